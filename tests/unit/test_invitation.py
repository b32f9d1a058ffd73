from __future__ import annotations

from gt_rules.invitation import invitation_email


def test_invitation_carries_portal_url_and_cognito_placeholders() -> None:
    subject, body = invitation_email(
        username="{username}", code="{####}", portal_url="https://abc.labeling.us-east-1.sagemaker.aws"
    )
    assert "Ground Truth" in subject
    assert "{username}" in body and "{####}" in body
    assert 'href="https://abc.labeling.us-east-1.sagemaker.aws"' in body


def test_invitation_without_portal_still_has_credentials() -> None:
    _, body = invitation_email(username="{username}", code="{####}", portal_url=None)
    assert "{username}" in body and "{####}" in body and "href" not in body


def test_portal_url_is_escaped() -> None:
    _, body = invitation_email(username="u", code="c", portal_url='https://x"><script>')
    assert "<script>" not in body
