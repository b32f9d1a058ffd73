"""The account's private workforce (one per account and Region, docs/ground-truth.md#workforce), when we
create it."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_sagemaker as sagemaker
from constructs import Construct


class CognitoWorkforce(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        workforce_name: str,
        user_pool_id: str,
        client_id: str,
        source_ip_cidrs: list[str],
    ) -> None:
        super().__init__(scope, construct_id)
        self.workforce = sagemaker.CfnWorkforce(
            self,
            "Workforce",
            workforce_name=workforce_name,
            cognito_config=sagemaker.CfnWorkforce.CognitoConfigProperty(
                client_id=client_id, user_pool=user_pool_id
            ),
            source_ip_config=_source_ip(source_ip_cidrs),
        )


class OidcWorkforce(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        workforce_name: str,
        issuer: str,
        authorization_endpoint: str,
        token_endpoint: str,
        user_info_endpoint: str,
        logout_endpoint: str,
        jwks_uri: str,
        client_id: str,
        client_secret_name: str,
        client_secret_json_key: str | None,
        scope_value: str | None,
        source_ip_cidrs: list[str],
    ) -> None:
        super().__init__(scope, construct_id)
        # A Secrets Manager dynamic reference: CloudFormation resolves it at deploy time, so the
        # secret never appears in the template, the cloud assembly or the console.
        client_secret = cdk.SecretValue.secrets_manager(client_secret_name, json_field=client_secret_json_key)
        self.workforce = sagemaker.CfnWorkforce(
            self,
            "Workforce",
            workforce_name=workforce_name,
            oidc_config=sagemaker.CfnWorkforce.OidcConfigProperty(
                issuer=issuer,
                authorization_endpoint=authorization_endpoint,
                token_endpoint=token_endpoint,
                user_info_endpoint=user_info_endpoint,
                logout_endpoint=logout_endpoint,
                jwks_uri=jwks_uri,
                client_id=client_id,
                client_secret=client_secret.unsafe_unwrap(),  # a {{resolve:...}} reference, not the value
                scope=scope_value,
            ),
            source_ip_config=_source_ip(source_ip_cidrs),
        )


def _source_ip(cidrs: list[str]) -> sagemaker.CfnWorkforce.SourceIpConfigProperty | None:
    return sagemaker.CfnWorkforce.SourceIpConfigProperty(cidrs=cidrs) if cidrs else None
