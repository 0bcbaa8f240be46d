"""ssjlang: the plan language and compiler for 双随机、一公开 joint spot checks."""

__version__ = "0.1.0"
