"""The running process itself, below every capability: how the C allocator holds its memory
(`memory`).

Imports nothing of the bot; any package may import it.
"""
