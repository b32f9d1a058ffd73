"""A CDK Provider for one of our custom-resource handlers, with its framework noise contained."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_logs as logs
from aws_cdk import custom_resources as cr
from constructs import Construct

from .nag import acknowledge_provider_framework
from .python_function import PythonHandlerFunction


class HandlerProvider(Construct):
    """`on_event` (and optionally `is_complete`) functions from lambda/<function_dir>/handler.py."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        function_dir: str,
        description: str,
        environment: dict[str, str] | None = None,
        on_event_timeout_seconds: int = 300,
        memory_size: int = 256,
        ephemeral_storage_mib: int = 512,
        wait: bool = False,
        query_interval_seconds: int = 30,
        total_timeout_minutes: int = 15,
    ) -> None:
        super().__init__(scope, construct_id)
        self.on_event = PythonHandlerFunction(
            self,
            "OnEvent",
            function_dir=function_dir,
            handler="handler.on_event",
            description=description,
            environment=environment,
            timeout_seconds=on_event_timeout_seconds,
            memory_size=memory_size,
            ephemeral_storage_mib=ephemeral_storage_mib,
        )
        self.is_complete: PythonHandlerFunction | None = None
        if wait:
            self.is_complete = PythonHandlerFunction(
                self,
                "IsComplete",
                function_dir=function_dir,
                handler="handler.is_complete",
                description=f"{description} (completion check)",
                environment=environment,
                timeout_seconds=60,
                memory_size=memory_size,
            )
        self.provider = cr.Provider(
            self,
            "Provider",
            on_event_handler=self.on_event.function,
            is_complete_handler=self.is_complete.function if self.is_complete else None,
            # Bounded: the Provider cannot wait past an hour (aws/aws-cdk #24974); we only wait
            # for a job to leave Initializing, never for it to finish.
            query_interval=cdk.Duration.seconds(query_interval_seconds) if wait else None,
            total_timeout=cdk.Duration.minutes(total_timeout_minutes) if wait else None,
            log_group=logs.LogGroup(
                self,
                "FrameworkLogs",
                retention=logs.RetentionDays.ONE_MONTH,
                removal_policy=cdk.RemovalPolicy.DESTROY,
            ),
        )
        acknowledge_provider_framework(self.provider)

    @property
    def functions(self) -> list[PythonHandlerFunction]:
        return [self.on_event, *([self.is_complete] if self.is_complete else [])]

    @property
    def waiter(self) -> PythonHandlerFunction:
        """The is_complete function; only a provider made with `wait=True` has one."""
        if self.is_complete is None:
            raise ValueError(f"{self.node.path} was made without wait=True: it has no is_complete")
        return self.is_complete

    @property
    def service_token(self) -> str:
        return self.provider.service_token
