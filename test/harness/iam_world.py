"""Creates a broker test's IAM world in moto with boto3, in one process.

Reads a JSON plan on stdin: {"endpoint", "users": {name: {"actions": [...], "resource": ...,
"statements": [{"Action": [...], "Resource": [...]}, ...]}}, "roles": {name: trust_policy_document}}
(a user's "statements", optional, are allowed beside its actions on its resource). The first user
is the administrator, made with moto's unauthenticated set-up actions (create user, put its
policy, make its key); everything after is signed with the administrator's key, as moto's IAM
checks then require. Prints
{"keys": {user: [access key id, secret]}} on stdout.
"""

import json
import sys

import boto3

plan = json.load(sys.stdin)


def iam_client(key=("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")):
    return boto3.client(
        "iam",
        endpoint_url=plan["endpoint"],
        region_name="us-east-1",
        aws_access_key_id=key[0],
        aws_secret_access_key=key[1],
    )


def make_user(iam, name, spec):
    iam.create_user(UserName=name)
    iam.put_user_policy(
        UserName=name,
        PolicyName="own",
        PolicyDocument=json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": spec["actions"], "Resource": spec["resource"]}]
            + [{"Effect": "Allow", **statement} for statement in spec.get("statements", [])],
        }),
    )
    key = iam.create_access_key(UserName=name)["AccessKey"]
    return [key["AccessKeyId"], key["SecretAccessKey"]]


users = list(plan["users"].items())
keys = {}
admin_name, admin_spec = users[0]
keys[admin_name] = make_user(iam_client(), admin_name, admin_spec)
admin = iam_client(tuple(keys[admin_name]))
for name, spec in users[1:]:
    keys[name] = make_user(admin, name, spec)
for name, trust in plan.get("roles", {}).items():
    admin.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))
json.dump({"keys": keys}, sys.stdout)
