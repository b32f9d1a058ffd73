"""The Cognito user pool behind a private workforce: domain, app client, and the invitation text.

Ground Truth maps workforce = user pool, work team = user group, worker = user (docs/ground-truth.md#cognito).
"""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_cognito as cognito
from constructs import Construct

from gt_rules.handler_keys import InviteEnvironment

from .nag import acknowledge
from .python_function import PythonHandlerFunction

COGNITO_TRIGGER_TIMEOUT_SECONDS = 5
# Replaced as soon as the workforce exists (see WorkerUserPool.client).
PLACEHOLDER_URL = "https://localhost/set-when-the-workforce-exists"


class WorkerUserPool(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        pool_name: str,
        domain_prefix: str,
        retain: bool,
        portal_workteam_name: str,
    ) -> None:
        super().__init__(scope, construct_id)
        # Cognito's invitation is the only message a new worker gets (the API path sends no SageMaker email,
        # docs/ground-truth.md#cognito), so a trigger adds the worker portal URL. The trigger looks the URL up
        # at send time: the pool cannot reference the work team's SubDomain (the team is built from this pool,
        # which would be a cycle).
        self.invite_message = PythonHandlerFunction(
            self,
            "InviteMessage",
            function_dir="invite_message",
            handler="handler.handler",
            description="Adds the Ground Truth worker portal URL to Cognito's invitation email",
            environment={InviteEnvironment.WORKTEAM_NAME: portal_workteam_name},
            # Cognito waits 5 seconds for a trigger (docs/ground-truth.md#cognito).
            timeout_seconds=COGNITO_TRIGGER_TIMEOUT_SECONDS,
            memory_size=128,
        )
        self.invite_message.allow(
            "sagemaker:DescribeWorkteam",
            resources=[
                cdk.Stack.of(self).format_arn(
                    service="sagemaker",
                    resource="workteam",
                    resource_name=f"private-crowd/{portal_workteam_name}",
                )
            ],
        )
        self.pool = cognito.UserPool(
            self,
            "Pool",
            user_pool_name=pool_name,
            self_sign_up_enabled=False,  # admins invite workers; nobody signs up alone
            sign_in_aliases=cognito.SignInAliases(email=True, username=False),
            auto_verify=cognito.AutoVerifiedAttrs(email=True),
            standard_attributes=cognito.StandardAttributes(
                email=cognito.StandardAttribute(required=True, mutable=True)
            ),
            password_policy=cognito.PasswordPolicy(
                min_length=12,
                require_lowercase=True,
                require_uppercase=True,
                require_digits=True,
                require_symbols=True,
                temp_password_validity=cdk.Duration.days(7),
            ),
            mfa=cognito.Mfa.REQUIRED,
            mfa_second_factor=cognito.MfaSecondFactor(otp=True, sms=False),
            account_recovery=cognito.AccountRecovery.EMAIL_ONLY,
            feature_plan=cognito.FeaturePlan.ESSENTIALS,
            user_invitation=cognito.UserInvitationConfig(
                email_subject="You are invited to label data with Amazon SageMaker Ground Truth",
                email_body="Your username is {username} and your temporary password is {####}",
            ),
            lambda_triggers=cognito.UserPoolTriggers(custom_message=self.invite_message.function),
            # CDK retains user pools by default (aws/aws-cdk #12920): dev must not leave one behind.
            removal_policy=cdk.RemovalPolicy.RETAIN if retain else cdk.RemovalPolicy.DESTROY,
            deletion_protection=retain,
        )
        acknowledge(
            self.pool,
            "AwsSolutions-COG8",
            "The Plus feature plan (threat protection) is billed per monthly active user; an idle lab must "
            "cost nothing. Workers are admin-invited only and MFA is required.",
        )
        self.domain = self.pool.add_domain(
            "Domain", cognito_domain=cognito.CognitoDomainOptions(domain_prefix=domain_prefix)
        )
        # Workers sign in through this client. Its callback and sign-out URLs must point at the
        # workforce's portal, which exists only after the workforce (built from this client) does:
        # the template holds a placeholder and the workforce stack sets the real URLs once the
        # workforce exists (labeling_constructs/worker_portal.py), whatever Ground Truth itself
        # writes into the client.
        self.client = self.pool.add_client(
            "Client",
            generate_secret=True,
            supported_identity_providers=[cognito.UserPoolClientIdentityProvider.COGNITO],
            auth_flows=cognito.AuthFlow(user_srp=True),
            o_auth=cognito.OAuthSettings(
                flows=cognito.OAuthFlows(authorization_code_grant=True),
                scopes=[cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL, cognito.OAuthScope.PROFILE],
                callback_urls=[PLACEHOLDER_URL],
                logout_urls=[PLACEHOLDER_URL],
            ),
            prevent_user_existence_errors=True,
        )

    @property
    def client_settings(self) -> dict[str, object]:
        """The client's template properties but for its pool: when they change, CloudFormation
        updates the client, which resets its URLs to the placeholder, so they must be set again."""
        l1 = self.client.node.default_child
        assert isinstance(l1, cognito.CfnUserPoolClient)
        resolved = cdk.Stack.of(self).resolve(l1._cfn_properties)
        return {key: value for key, value in resolved.items() if key != "userPoolId"}
