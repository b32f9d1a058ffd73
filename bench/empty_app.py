"""The baseline for bench_synth.py: a CDK app with one empty stack (jsii and Node starting)."""

import aws_cdk as cdk

app = cdk.App()
cdk.Stack(app, "Empty")
app.synth()
