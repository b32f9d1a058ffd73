"""Ground Truth rules: the single source of truth for what the service accepts.

Standard library only, no AWS calls and no CDK imports: synth (config validation, constructs),
`make plan`, the custom-resource Lambdas and the tests all import this same package.
"""
