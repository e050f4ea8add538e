"""moto_server.py (DynamoDB served one request at a time) with one more change, for IAM checks.

With INITIAL_NO_AUTH_ACTION_COUNT (or /moto-api/reset-auth) moto checks a caller's IAM policies
and, on AssumeRole, the role's trust policy. moto 5.2.5 compares the caller's ARN with the trust
policy's AWS principals as strings, so a role ARN there never matches that role's sessions
(arn:aws:sts::<account>:assumed-role/<role>/<session>), while AWS admits every session of a role
its trust policy names. This wrapper adds exactly that rule: when the caller is a role session,
its role's ARN (with its path, looked up in moto's IAM) is tried as well. Nothing else changes;
moto still ignores Condition blocks other than StringEquals on sts:ExternalId.

Usage: python moto_iam_server.py -H 127.0.0.1 -p PORT   (the moto_server arguments)
"""

import os
import re
import runpy

from moto.iam import access_control
from moto.iam.models import iam_backends

_SESSION = re.compile(r"^arn:([^:]+):sts::(\d{12}):assumed-role/([^/]+)/[^/]+$")
_check_principal = access_control.IAMPolicyStatement._check_principal


def _check_principal_or_its_role(self, principal):
    if _check_principal(self, principal):
        return True
    session = _SESSION.match(principal)
    if session is None:
        return False
    partition, account, role = session.groups()
    try:
        role_arn = iam_backends[account][partition].get_role(role).arn
    except Exception:
        return False
    return _check_principal(self, role_arn)


access_control.IAMPolicyStatement._check_principal = _check_principal_or_its_role

if __name__ == "__main__":
    runpy.run_path(os.path.join(os.path.dirname(__file__), "moto_server.py"), run_name="__main__")
