"""placeholder until the stage lands."""

COMMANDS: list = []
