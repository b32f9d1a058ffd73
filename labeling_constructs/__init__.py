"""Our CDK constructs, one concern each.

Named `labeling_constructs`, not `constructs`: a top-level package called `constructs` would
shadow the `constructs` library that every CDK app imports (`from constructs import Construct`).
"""
