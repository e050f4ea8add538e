"""moto_iam_server.py with resource-level IAM checks for DynamoDB and SSM, for the deployment tests.

moto 5.2.5 authorises a DynamoDB or SSM call against the resource "*", so a policy statement
scoped to a table, an index or a parameter (as the broker role's is) never matches and the call is
refused, while AWS would allow it. This wrapper gives those calls the resource AWS checks:

- DynamoDB: the table's ARN, or `<table ARN>/index/<name>` for a Query or Scan of an index;
  TransactWriteItems and TransactGetItems are authorised per item, as AWS does, as PutItem,
  UpdateItem, DeleteItem, ConditionCheckItem or GetItem on that item's table;
- SSM: `arn:<partition>:ssm:<region>:<account>:parameter/<name without its leading slash>` for the
  calls that name one parameter (Name), and the path for GetParametersByPath.

Everything else is moto_iam_server.py (role sessions match their role in trust policies) and
moto_server.py (DynamoDB served one request at a time). Conditions are still not evaluated.

Usage: python moto_deploy_server.py -H 127.0.0.1 -p PORT   (the moto_server arguments)
"""

import json
import os
import runpy

from moto.dynamodb.responses import DynamoHandler
from moto.ssm.responses import SimpleSystemManagerResponse
from moto.utilities.utils import get_partition

_TRANSACT_ITEM_ACTIONS = {
    "Put": "PutItem",
    "Update": "UpdateItem",
    "Delete": "DeleteItem",
    "ConditionCheck": "ConditionCheckItem",
    "Get": "GetItem",
}


def _params(handler):
    body = handler.body
    if isinstance(body, (bytes, str)):
        try:
            body = json.loads(body or "{}")
        except ValueError:
            return {}
    return body if isinstance(body, dict) else {}


def _table_arn(handler, table):
    region = handler.region
    return f"arn:{get_partition(region)}:dynamodb:{region}:{handler.current_account}:table/{table}"


def _dynamodb_resource(self):
    params = _params(self)
    table = params.get("TableName")
    if not table:
        return "*"
    index = params.get("IndexName")
    arn = _table_arn(self, table)
    return f"{arn}/index/{index}" if index else arn


_authorise = DynamoHandler._authenticate_and_authorize_normal_action


def _dynamodb_authorise(self, resource="*"):
    action = self._get_action()
    if action not in ("TransactWriteItems", "TransactGetItems"):
        return _authorise(self, resource)
    for item in _params(self).get("TransactItems", []):
        for kind, spec in item.items():
            self._get_action = lambda name=_TRANSACT_ITEM_ACTIONS.get(kind, kind): name
            try:
                _authorise(self, _table_arn(self, spec.get("TableName", "*")))
            finally:
                del self._get_action


def _ssm_resource(self):
    params = _params(self)
    name = params.get("Name") or params.get("Path")
    if not isinstance(name, str) or name == "":
        return "*"
    region = self.region
    return f"arn:{get_partition(region)}:ssm:{region}:{self.current_account}:parameter/{name.lstrip('/')}"


DynamoHandler._determine_resource = _dynamodb_resource
DynamoHandler._authenticate_and_authorize_normal_action = _dynamodb_authorise
SimpleSystemManagerResponse._determine_resource = _ssm_resource

if __name__ == "__main__":
    runpy.run_path(os.path.join(os.path.dirname(__file__), "moto_iam_server.py"), run_name="__main__")
