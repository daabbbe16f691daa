#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: (c) 2026, jwtpizza.cloud developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: iam_oidc_provider
short_description: Find, create, update or delete an IAM OpenID Connect identity provider
version_added: 0.1.0
description:
  - Finds the IAM OIDC identity provider of I(url) (C(ListOpenIDConnectProviders), C(GetOpenIDConnectProvider),
    C(ListOpenIDConnectProviderTags)) and creates it when it is missing, with its audiences, thumbprints and tags in
    the create call. A creation answered with C(EntityAlreadyExists) (another run created it meanwhile) reads the
    provider and carries on as if it had been found.
  - Brings the audiences (C(AddClientIDToOpenIDConnectProvider), C(RemoveClientIDFromOpenIDConnectProvider)),
    the thumbprints (C(UpdateOpenIDConnectProviderThumbprint), only when I(thumbprint_list) is given) and the tags
    (C(TagOpenIDConnectProvider), C(UntagOpenIDConnectProvider)) to the requested values.
  - With I(state=absent) deletes the provider, by default only when it carries every tag of I(owner_tags).
  - Neither amazon.aws nor community.aws has a module for OIDC providers.
author:
  - jwtpizza.cloud developers (@jwtpizza)
notes:
  - An OIDC provider is account-wide (one per URL and account) and may be shared by several environments or by
    resources this collection does not manage. That is why I(state=absent) deletes it only when it carries the
    I(owner_tags) (the C(ManagedBy) tag this collection puts on everything it creates, or an environment's full
    tag set) and otherwise leaves it, with a warning and C(changed=false); I(force=true) deletes it regardless.
  - AWS no longer uses thumbprints to trust GitHub's and other well-known issuers' certificates, and the emulator
    treats them as optional, so I(thumbprint_list) may be left unset. Thumbprints are compared in lowercase and
    in any order; audiences in any order.
options:
  url:
    description:
      - Issuer URL of the provider, C(https://) followed by the host and an optional path, for example
        C(https://token.actions.githubusercontent.com). A trailing slash is ignored.
      - The provider's ARN is C(arn:aws:iam::<account>:oidc-provider/<host/path>).
    type: str
    required: true
  state:
    description: C(present) finds or creates the provider and updates it, C(absent) deletes it (see I(owner_tags)).
    type: str
    choices: [present, absent]
    default: present
  client_id_list:
    description:
      - Audiences (client IDs) the provider accepts; C(sts.amazonaws.com) for GitHub Actions with
        C(aws-actions/configure-aws-credentials).
      - When unset, an existing provider keeps its audiences and a new one has none.
    type: list
    elements: str
    aliases: [audiences]
  purge_client_id_list:
    description: Remove the audiences of an existing provider that I(client_id_list) does not name.
    type: bool
    default: true
  thumbprint_list:
    description:
      - SHA-1 thumbprints (40 hexadecimal digits) of the issuer's certificate chain.
      - When unset, the provider's thumbprints are left as they are (a new provider gets none).
    type: list
    elements: str
  owner_tags:
    description:
      - The tags that mark the provider as this caller's own (same key and value, every one of them); they should
        be part of I(tags). An empty dict makes every provider of I(url) this caller's own.
      - With I(state=absent), a provider that does not carry them is left in place (a warning says so).
      - With I(state=present), such a provider is used as it is - missing audiences of I(client_id_list) are added
        (none removed) and its tags are left untouched, so two environments sharing one account do not take the
        provider from each other; a warning says so.
    type: dict
    default: {ManagedBy: jwtpizza.cloud}
  force:
    description: Treat the provider as this caller's own even when it does not carry I(owner_tags) (delete or update it).
    type: bool
    default: false
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
  - jwtpizza.cloud.attributes
"""

EXAMPLES = r"""
- name: Trust GitHub Actions' OIDC tokens for STS
  jwtpizza.cloud.iam_oidc_provider:
    url: https://token.actions.githubusercontent.com
    client_id_list: [sts.amazonaws.com]
    tags:
      Project: jwt-pizza
      Environment: dev
      ManagedBy: jwtpizza.cloud
  register: github_oidc

- name: Delete the provider, only when this environment created it
  jwtpizza.cloud.iam_oidc_provider:
    url: https://token.actions.githubusercontent.com
    owner_tags:
      Project: jwt-pizza
      Environment: dev
      ManagedBy: jwtpizza.cloud
    state: absent
"""

RETURN = r"""
provider:
  description:
    - The provider after the run; empty when it does not exist (or is still to be created in check mode).
    - After I(state=absent) that left a provider it does not own in place, that provider.
  returned: always
  type: dict
  contains:
    arn:
      description: ARN of the provider.
      type: str
      sample: arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com
    url:
      description: Issuer URL, as given (with C(https://)).
      type: str
      sample: https://token.actions.githubusercontent.com
    client_id_list:
      description: Audiences, sorted.
      type: list
      elements: str
      sample: [sts.amazonaws.com]
    thumbprint_list:
      description: Thumbprints, lowercase and sorted.
      type: list
      elements: str
      sample: []
    tags:
      description: Tags of the provider.
      type: dict
      sample: {Project: jwt-pizza, Environment: dev, ManagedBy: jwtpizza.cloud}
"""

import re

from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict
from ansible_collections.amazon.aws.plugins.module_utils.tagging import compare_aws_tags

from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import DiffTracker
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import IAMErrors
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import JwtPizzaAWSError
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import JwtPizzaModule
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import error_code
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import state_option
from ansible_collections.jwtpizza.cloud.plugins.module_utils._aws import tag_options

OWNED = ("client_id_list", "thumbprint_list", "tags")
THUMBPRINT = re.compile(r"^[0-9a-f]{40}$")
URL = re.compile(r"^https://[a-z0-9.-]+(:[0-9]+)?(/[^\s]*)?$", re.IGNORECASE)


@IAMErrors.call("list OIDC providers")
def list_provider_arns(client):
    return [item["Arn"] for item in client.list_open_id_connect_providers().get("OpenIDConnectProviderList", [])]


@IAMErrors.lookup("get OIDC provider")
def get_provider(client, arn):
    return client.get_open_id_connect_provider(OpenIDConnectProviderArn=arn)


@IAMErrors.lookup("list tags of OIDC provider", default=[])
def list_tags(client, arn):
    paginator = client.get_paginator("list_open_id_connect_provider_tags")
    return [tag for page in paginator.paginate(OpenIDConnectProviderArn=arn) for tag in page.get("Tags", [])]


@IAMErrors.call("create OIDC provider")
def create_provider(client, **params):
    return client.create_open_id_connect_provider(**params)["OpenIDConnectProviderArn"]


@IAMErrors.call("add client ID to OIDC provider")
def add_client_id(client, arn, client_id):
    client.add_client_id_to_open_id_connect_provider(OpenIDConnectProviderArn=arn, ClientID=client_id)


@IAMErrors.call("remove client ID from OIDC provider")
def remove_client_id(client, arn, client_id):
    client.remove_client_id_from_open_id_connect_provider(OpenIDConnectProviderArn=arn, ClientID=client_id)


@IAMErrors.call("update thumbprints of OIDC provider")
def update_thumbprints(client, arn, thumbprints):
    client.update_open_id_connect_provider_thumbprint(OpenIDConnectProviderArn=arn, ThumbprintList=thumbprints)


@IAMErrors.call("tag OIDC provider")
def tag_provider(client, arn, tags):
    client.tag_open_id_connect_provider(OpenIDConnectProviderArn=arn, Tags=tags)


@IAMErrors.call("untag OIDC provider")
def untag_provider(client, arn, keys):
    client.untag_open_id_connect_provider(OpenIDConnectProviderArn=arn, TagKeys=keys)


@IAMErrors.delete("delete OIDC provider")
def delete_provider(client, arn):
    client.delete_open_id_connect_provider(OpenIDConnectProviderArn=arn)


def host_path(url):
    """The URL without its scheme and trailing slash: what AWS stores and the ARN ends with."""
    return re.sub(r"^https://", "", url.strip(), flags=re.IGNORECASE).rstrip("/")


class OidcProvider:
    def __init__(self, module):
        self.module = module
        self.client = module.client("iam")
        params = module.params
        self.url = params["url"].strip().rstrip("/")
        self.host_path = host_path(self.url)
        thumbprints = params["thumbprint_list"]
        self.desired = {
            "client_id_list": sorted(set(params["client_id_list"])) if params["client_id_list"] is not None else None,
            "thumbprint_list": sorted({t.lower() for t in thumbprints}) if thumbprints is not None else None,
            "tags": params["tags"],
        }
        self.purge_client_ids = params["purge_client_id_list"]
        self.purge_tags = params["purge_tags"]
        self.owner_tags = params["owner_tags"] or {}
        self.force = params["force"]

    def check_input(self):
        if not URL.match(self.url):
            raise JwtPizzaAWSError(message=f"url must be https://<host>[/path]; got {self.url!r}")
        bad = [t for t in self.desired["thumbprint_list"] or [] if not THUMBPRINT.match(t)]
        if bad:
            raise JwtPizzaAWSError(message=f"thumbprint_list entries must be 40 hexadecimal digits; got {bad}")

    def result(self, current, changed=False, before=None, after=None):
        return {"changed": changed, "provider": current or {}, "diff": DiffTracker.of(before, after)}

    def find_arn(self):
        suffix = f":oidc-provider/{self.host_path}"
        return next((arn for arn in list_provider_arns(self.client) if arn.endswith(suffix)), None)

    def read(self):
        arn = self.find_arn()
        if arn is None:
            return None
        raw = get_provider(self.client, arn)
        if raw is None:  # deleted between the list and the get
            return None
        return {
            "arn": arn,
            "url": self.url,
            "client_id_list": sorted(set(raw.get("ClientIDList") or [])),
            "thumbprint_list": sorted({t.lower() for t in raw.get("ThumbprintList") or []}),
            "tags": boto3_tag_list_to_ansible_dict(list_tags(self.client, arn), "Key", "Value"),
        }

    def ensure_present(self):
        self.check_input()
        current = self.read()
        if current is None:
            created = self.create()
            if created is not None:
                return created
            current = self.read()  # another run created it meanwhile: update it like a found one
            if current is None:
                raise JwtPizzaAWSError(message=f"OIDC provider {self.url} exists (EntityAlreadyExists) but cannot be found")
        return self.update(current)

    def owns(self, current):
        """Whether the provider carries every owner tag (or force is set)."""
        return self.force or all(current["tags"].get(k) == v for k, v in self.owner_tags.items())

    def update(self, current):
        before = {k: current[k] for k in OWNED}
        after = dict(before)
        owned = self.owns(current)
        if not owned:
            self.module.warn(
                f"OIDC provider {current['arn']} does not carry the owner tags {self.owner_tags}: it is used as it is "
                "(missing audiences added, none removed, tags untouched)"
            )
        wanted_ids = self.desired["client_id_list"]
        ids_to_add, ids_to_remove = [], []
        if wanted_ids is not None:
            ids_to_add = [i for i in wanted_ids if i not in current["client_id_list"]]
            if self.purge_client_ids and owned:
                ids_to_remove = [i for i in current["client_id_list"] if i not in wanted_ids]
            after["client_id_list"] = sorted(set(current["client_id_list"]) - set(ids_to_remove) | set(ids_to_add))
        thumbprints = self.desired["thumbprint_list"]
        update_thumbs = thumbprints is not None and thumbprints != current["thumbprint_list"]
        if update_thumbs:
            after["thumbprint_list"] = thumbprints
        tags_to_set, tags_to_unset = {}, []
        if self.desired["tags"] is not None and owned:
            tags_to_set, tags_to_unset = compare_aws_tags(current["tags"], self.desired["tags"], self.purge_tags)
            after["tags"] = {k: v for k, v in {**current["tags"], **tags_to_set}.items() if k not in tags_to_unset}
        changed = bool(ids_to_add or ids_to_remove or update_thumbs or tags_to_set or tags_to_unset)
        shown = {**current, **after}
        if not changed or self.module.check_mode:
            return self.result(shown, changed=changed, before=before, after=after)
        arn = current["arn"]
        for client_id in ids_to_add:
            add_client_id(self.client, arn, client_id)
        for client_id in ids_to_remove:
            remove_client_id(self.client, arn, client_id)
        if update_thumbs:
            update_thumbprints(self.client, arn, thumbprints)
        if tags_to_unset:
            untag_provider(self.client, arn, tags_to_unset)
        if tags_to_set:
            tag_provider(self.client, arn, ansible_dict_to_boto3_tag_list(tags_to_set, "Key", "Value"))
        return self.result(shown, changed=True, before=before, after=after)

    def create(self):
        """Create the provider; None when it already exists (EntityAlreadyExists: a concurrent run)."""
        after = {
            "client_id_list": self.desired["client_id_list"] or [],
            "thumbprint_list": self.desired["thumbprint_list"] or [],
            "tags": self.desired["tags"] or {},
        }
        if self.module.check_mode:
            return self.result({}, changed=True, after=after)
        params = {"Url": self.url, "ClientIDList": after["client_id_list"]}
        if self.desired["thumbprint_list"] is not None:
            params["ThumbprintList"] = after["thumbprint_list"]
        if after["tags"]:
            params["Tags"] = ansible_dict_to_boto3_tag_list(after["tags"], "Key", "Value")
        try:
            arn = create_provider(self.client, **params)
        except JwtPizzaAWSError as exc:
            if error_code(exc) == "EntityAlreadyExists":
                return None
            raise
        return self.result({"arn": arn, "url": self.url, **after}, changed=True, after=after)

    def ensure_absent(self):
        self.check_input()
        current = self.read()
        if current is None:
            return self.result(None)
        if not self.owns(current):
            missing = {k: v for k, v in self.owner_tags.items() if current["tags"].get(k) != v}
            self.module.warn(
                f"OIDC provider {current['arn']} left in place: it does not carry the owner tags {missing} "
                "(it may be shared, or created outside this collection); force=true deletes it regardless"
            )
            return self.result(current)
        before = {k: current[k] for k in OWNED}
        if not self.module.check_mode:
            delete_provider(self.client, current["arn"])
        return self.result(None, changed=True, before=before)


def main():
    module = JwtPizzaModule(
        argument_spec=dict(
            url=dict(type="str", required=True),
            **state_option(),
            client_id_list=dict(type="list", elements="str", aliases=["audiences"]),
            purge_client_id_list=dict(type="bool", default=True),
            thumbprint_list=dict(type="list", elements="str"),
            owner_tags=dict(type="dict", default={"ManagedBy": "jwtpizza.cloud"}),
            force=dict(type="bool", default=False),
            **tag_options(),
        ),
        supports_check_mode=True,
    )
    module.run_state(OidcProvider(module))


if __name__ == "__main__":
    main()
