"""Stacks: one per component, wiring constructs for one environment. No logic of their own."""
