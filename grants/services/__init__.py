"""Writes that change money or workflow state live here, one `do_*` function per action.

Each runs in a transaction, takes row locks only inside it, and records who did what in the
same transaction (pretix/Zulip style). Views and forms call these; they never save directly.
"""
