"""The deploy report of one environment: what is deployed, read from AWS, with a diagram and the last runs.

  python tools/deploy_report.py [--inventory inventories/local] [--out reports] [--show-index]

Writes <out>/<environment>/report.md and report.json: the public URLs, every resource's id/ARN as AWS reports it,
the image and the frontend build that are live, an architecture diagram of what is actually deployed (Mermaid in
the Markdown; architecture.svg beside it, drawn by the Graphviz that make setup installs from npm as WebAssembly, or
by an installed `dot`), and, from the records the jwtpizza.cloud.progress
callback writes (<out>/<environment>/<playbook>.run.json), what each run changed, its phases and slowest tasks.
--show-index prints the site's index.html read back through the stack's own path: the object of the bucket that
the distribution's origin points at.  Prints figures and the report's path; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from report import ROOT, Finder, distributions, inventory_vars


def first(items):
    return next(iter(items), None)


def read_deployed(finder: Finder, env: dict) -> dict:
    prefix, domain = finder.prefix, env["jwtpizza_domain"]
    out: dict = {"environment": env["jwtpizza_environment"], "prefix": prefix, "region": finder.region,
                 "urls": {"frontend": f"https://pizza.{domain}", "backend": f"https://pizza-service.{domain}"}}
    cloudfront = finder.client("cloudfront", "us-east-1")
    dist = first(d for d in distributions(cloudfront) if d.get("Comment") == f"{prefix}-frontend")
    if dist:
        origin = dist["Origins"]["Items"][0]["DomainName"]
        out["distribution"] = {"id": dist["Id"], "arn": dist["ARN"], "domain_name": dist["DomainName"],
                               "status": dist["Status"], "aliases": dist.get("Aliases", {}).get("Items", []),
                               "origin": origin}
        bucket = origin.split(".s3.")[0]
        s3 = finder.client("s3")
        objects = [o for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket) for o in page.get("Contents", [])]
        site = [o for o in objects if not o["Key"].startswith(".")]
        build = {"objects": len(site), "bytes": sum(o["Size"] for o in site)}
        if any(o["Key"] == "version.json" for o in site):
            build["version"] = json.loads(s3.get_object(Bucket=bucket, Key="version.json")["Body"].read() or b"{}")
        index = first(o for o in site if o["Key"] == "index.html")
        if index:
            build["index_html"] = {"etag": index["ETag"].strip('"'), "last_modified": index["LastModified"].isoformat()}
        out["bucket"] = {"name": bucket, "arn": f"arn:aws:s3:::{bucket}", **build}
    elb = finder.client("elbv2")
    lb = first(lb for page in elb.get_paginator("describe_load_balancers").paginate() for lb in page["LoadBalancers"]
               if lb["LoadBalancerName"].startswith(prefix))
    if lb:
        out["load_balancer"] = {"name": lb["LoadBalancerName"], "arn": lb["LoadBalancerArn"], "dns_name": lb["DNSName"],
                                "scheme": lb["Scheme"], "ip_address_type": lb.get("IpAddressType")}
    ecs = finder.client("ecs")
    svc = first(s for s in ecs.describe_services(cluster=f"{prefix}-cluster", services=[f"{prefix}-service"])["services"]
                if s["status"] == "ACTIVE")
    if svc:
        td = ecs.describe_task_definition(taskDefinition=svc["taskDefinition"])["taskDefinition"]
        deployment = first(d for d in svc.get("deployments", []) if d.get("status") == "PRIMARY") or {}
        out["service"] = {"name": svc["serviceName"], "arn": svc["serviceArn"], "cluster": svc["clusterArn"],
                          "task_definition": svc["taskDefinition"], "image": td["containerDefinitions"][0]["image"],
                          "desired": svc["desiredCount"], "running": svc["runningCount"],
                          "rollout_state": deployment.get("rolloutState", "")}
    ecr = finder.client("ecr")
    repo = first(r for page in ecr.get_paginator("describe_repositories").paginate() for r in page["repositories"]
                 if r["repositoryName"] == f"{prefix}-service")
    if repo:
        out["repository"] = {"name": repo["repositoryName"], "arn": repo["repositoryArn"], "uri": repo["repositoryUri"]}
        image = out.get("service", {}).get("image", "")
        if image.startswith(repo["repositoryUri"] + ":"):
            tag = image.rsplit(":", 1)[1]
            details = ecr.describe_images(repositoryName=repo["repositoryName"], imageIds=[{"imageTag": tag}])["imageDetails"]
            if details:
                out["repository"]["running_image"] = {"tag": tag, "digest": details[0]["imageDigest"],
                                                      "tags": details[0].get("imageTags", [])}
    return out


def picture(d: dict) -> tuple[dict, list]:
    """What is deployed as a graph: nodes {id: (label lines, shape)} and edges (from, to, label, dashed), naming the
    real distribution, bucket, load balancer, service and repository."""
    nodes, edges = {"visitor": (["visitor"], "circle")}, []
    if "distribution" in d:
        dist, bucket = d["distribution"], d.get("bucket", {})
        nodes["cf"] = ([f"CloudFront {dist['id']}", dist["domain_name"]], "box")
        nodes["s3"] = ([f"S3 {bucket.get('name', '?')}", f"{bucket.get('objects', 0)} objects"], "cylinder")
        edges += [("visitor", "cf", d["urls"]["frontend"], False), ("cf", "s3", "Origin Access Control", False)]
    if "load_balancer" in d:
        nodes["alb"] = ([f"ALB {d['load_balancer']['name']}", "443, 80 to 443"], "box")
        edges.append(("visitor", "alb", d["urls"]["backend"], False))
    if "service" in d:
        svc = d["service"]
        revision = svc["task_definition"].split("/")[-1]
        nodes["svc"] = ([f"ECS Fargate {svc['name']}", f"{revision}, {svc['running']}/{svc['desired']} tasks"], "box")
        edges.append(("alb", "svc", "", False))
        if "repository" in d:
            nodes["ecr"] = ([f"ECR {d['repository']['name']}"], "cylinder")
            edges.append(("ecr", "svc", svc["image"].rsplit(":", 1)[-1], True))
    return nodes, edges


def mermaid(d: dict) -> str:
    nodes, edges = picture(d)
    shapes = {"circle": ("((", "))"), "box": ('["', '"]'), "cylinder": ('[("', '")]')}
    shown = set()

    def ref(node):
        """The node's name, with its label and shape where it is first named."""
        if node in shown:
            return node
        shown.add(node)
        opening, closing = shapes[nodes[node][1]]
        return node + opening + "<br/>".join(nodes[node][0]) + closing

    lines = ["flowchart LR", "  " + ref("visitor")]
    for source, target, label, dashed in edges:
        arrow = ("-.->" if dashed else "-->") + (f'|"{label}"|' if label else "")
        lines.append(f"  {ref(source)} {arrow} {ref(target)}")
    return "\n".join(lines)


def dot(d: dict) -> str:
    """The same picture for Graphviz."""
    nodes, edges = picture(d)

    def quoted(lines):
        return '"' + "\\n".join(line.replace('"', "'") for line in lines) + '"'

    out = ["digraph stack {", "  rankdir=LR;", "  node [fontname=Helvetica];"]
    out += [f"  {node} [label={quoted(label)}, shape={shape}];" for node, (label, shape) in nodes.items()]
    for source, target, label, dashed in edges:
        options = ([f"label={quoted([label])}"] if label else []) + (["style=dashed"] if dashed else [])
        out.append(f"  {source} -> {target}" + (f" [{', '.join(options)}]" if options else "") + ";")
    return "\n".join([*out, "}"]) + "\n"


def render_svg(dot_text: str, path: Path) -> bool:
    """Write the SVG of a DOT graph: with the project's pinned Graphviz (WebAssembly, from npm: make setup installs
    it), else with an installed `dot`; False when neither is there."""
    wasm = ROOT / "node_modules/@hpcc-js/wasm-graphviz"
    if wasm.is_dir() and shutil.which("node"):
        command = ["node", str(ROOT / "tools/graphviz.mjs"), str(path)]
    elif shutil.which("dot"):
        command = ["dot", "-Tsvg", "-o", str(path)]
    else:
        return False
    return subprocess.run(command, input=dot_text, text=True, check=False).returncode == 0


def runs(folder: Path) -> list[dict]:
    return [json.loads(p.read_text()) for p in sorted(folder.glob("*.run.json"))]


def markdown(d: dict, found: dict, records: list[dict]) -> str:
    lines = [f"# JWT Pizza - environment `{d['environment']}` ({d['prefix']}, {d['region']})", "",
             f"- frontend: {d['urls']['frontend']}", f"- backend: {d['urls']['backend']}", "",
             "## What is deployed", "", "```mermaid", mermaid(d), "```", ""]
    if "bucket" in d:
        b = d["bucket"]
        lines.append(f"- frontend build: {b['objects']} objects, {b['bytes']} bytes in `{b['name']}`; "
                     f"`version.json` {json.dumps(b.get('version', {}))}; `index.html` ETag `{b.get('index_html', {}).get('etag', '-')}`")
    if "service" in d:
        s = d["service"]
        image = d.get("repository", {}).get("running_image", {})
        lines.append(f"- backend image: `{s['image']}` ({image.get('digest', 'digest unknown')}), task definition "
                     f"`{s['task_definition']}`, {s['running']}/{s['desired']} tasks, rollout {s['rollout_state'] or '-'}")
    lines += ["", "## Resources (read from AWS)", "", "| kind | id / ARN |", "|---|---|"]
    for key in ("distribution", "bucket", "load_balancer", "service", "repository"):
        if key in d:
            lines.append(f"| {key.replace('_', ' ')} | `{d[key].get('arn', d[key].get('id'))}` |")
    for kind, items in found.items():
        for item in items:
            lines.append(f"| {kind} | `{item}` |")
    for record in records:
        lines += ["", f"## Last run of `{record['playbook']}.yml` ({record['finished']}, {record['seconds']:.1f} s, "
                      f"{record['tasks']} tasks, {record['skipped']} skipped)", ""]
        lines.append("Phases: " + (", ".join(f"{p['name']} {p['seconds']:.1f} s" for p in record["phases"]) or "-"))
        lines.append("")
        lines.append("Changed: " + (", ".join(f"{t['task']}" for t in record["changed"]) or "nothing"))
        lines.append("")
        lines.append("Slowest: " + ", ".join(f"{t['task']} {t['seconds']:.1f} s" for t in record["slowest"][:5]))
    return "\n".join(lines) + "\n"


def show_index(finder: Finder, d: dict) -> str:
    """index.html as the distribution serves it: its origin's bucket object."""
    if "distribution" not in d:
        return "(no distribution)"
    bucket = d["distribution"]["origin"].split(".s3.")[0]
    return finder.client("s3").get_object(Bucket=bucket, Key="index.html")["Body"].read().decode("utf-8", "replace")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--inventory", default=str(ROOT / "inventories/local"))
    parser.add_argument("--out", default=str(ROOT / "reports"))
    parser.add_argument("--show-index", action="store_true")
    args = parser.parse_args()
    env = inventory_vars(args.inventory)
    port = os.environ.get("EMULATOR_PORT", "")
    endpoint = f"http://127.0.0.1:{port}" if port and env.get("jwtpizza_aws_endpoint_url") else ""
    prefix = f"{env['jwtpizza_project']}-{env['jwtpizza_environment']}"
    finder = Finder(endpoint, env["jwtpizza_region"], prefix,
                    {"Project": env["jwtpizza_project"], "Environment": env["jwtpizza_environment"]}, env["jwtpizza_domain"])
    deployed = read_deployed(finder, env)
    found = finder.found(env)
    folder = Path(args.out) / env["jwtpizza_environment"]
    folder.mkdir(parents=True, exist_ok=True)
    records = runs(folder)
    (folder / "report.md").write_text(markdown(deployed, found, records))
    (folder / "report.json").write_text(json.dumps({"deployed": deployed, "resources": found, "runs": records}, indent=2,
                                                   default=str))
    svg = render_svg(dot(deployed), folder / "architecture.svg")
    if args.show_index:
        print("index.html, read from the bucket the distribution's origin points at:")
        print("  " + "\n  ".join(show_index(finder, deployed).strip().splitlines()[:12]))
    print(f"frontend  {deployed['urls']['frontend']}   backend  {deployed['urls']['backend']}")
    print(f"report    {folder / 'report.md'} (and report.json{', architecture.svg' if svg else ''})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
