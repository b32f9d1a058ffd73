"""From a running labeling job to a training-ready dataset: `python -m tools.results <command>`.

Runs on the user's machine (not in Lambda), so it may use maintained libraries; the heavy ones
are installed the first time a command needs them (see extras.py).
"""
