"""Example agents written with the FlexArena Python SDK."""
