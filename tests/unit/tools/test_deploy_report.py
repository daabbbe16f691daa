"""The deploy report's architecture diagram names the real resources, in Mermaid, in DOT and in the SVG."""

from __future__ import annotations

import html
import shutil

import pytest

import deploy_report

DEPLOYED = {
    "urls": {"frontend": "https://pizza.example.com", "backend": "https://pizza-service.example.com"},
    "distribution": {"id": "E2QWRUHEXAMPLE", "domain_name": "d111111abcdef8.cloudfront.net"},
    "bucket": {"name": "jwt-pizza-dev-frontend-123456789012", "objects": 21},
    "load_balancer": {"name": "jwt-pizza-dev-alb"},
    "service": {"name": "jwt-pizza-dev-service", "running": 1, "desired": 1, "image": "repo:demo-abc123",
                "task_definition": "arn:aws:ecs:us-west-2:123456789012:task-definition/jwt-pizza-dev-service:7"},
    "repository": {"name": "jwt-pizza-dev-service"},
}
NAMES = ("E2QWRUHEXAMPLE", "jwt-pizza-dev-frontend-123456789012", "ALB jwt-pizza-dev-alb", "ECS Fargate jwt-pizza-dev-service",
         "ECR jwt-pizza-dev-service", "jwt-pizza-dev-service:7, 1/1 tasks", "demo-abc123", "https://pizza.example.com")


def test_the_mermaid_diagram_names_every_real_resource_once():
    text = deploy_report.mermaid(DEPLOYED)
    assert text.startswith("flowchart LR\n  visitor((visitor))")
    assert all(name in text for name in NAMES), text
    # Each node is defined once, where it is first named.
    assert text.count("CloudFront E2QWRUHEXAMPLE") == 1 and text.count("ALB jwt-pizza-dev-alb") == 1
    assert '  ecr[("ECR jwt-pizza-dev-service")] -.->|"demo-abc123"| svc' in text


def test_the_dot_graph_names_the_same_resources():
    text = deploy_report.dot(DEPLOYED)
    assert all(name in text for name in NAMES), text
    assert 'ecr -> svc [label="demo-abc123", style=dashed];' in text
    assert 'cf [label="CloudFront E2QWRUHEXAMPLE\\nd111111abcdef8.cloudfront.net", shape=box];' in text


def test_an_empty_environment_draws_the_visitor_only():
    empty = {"urls": DEPLOYED["urls"]}
    assert deploy_report.mermaid(empty) == "flowchart LR\n  visitor((visitor))"
    assert "->" not in deploy_report.dot(empty)


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_the_svg_is_drawn_by_the_pinned_graphviz(tmp_path):
    path = tmp_path / "architecture.svg"
    assert deploy_report.render_svg(deploy_report.dot(DEPLOYED), path)
    svg = html.unescape(path.read_text())  # Graphviz writes "-" as &#45;
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    assert "jwt-pizza-dev-frontend-123456789012" in svg and "ALB jwt-pizza-dev-alb" in svg
