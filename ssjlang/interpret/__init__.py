"""Interpreting a plan: registry and roster intake, the subject draw (SSJ-DRAW-1 and its extensions), visits,
teams and the schedule, and the draw record.
"""
