"""Where a webhook delivery may connect: public addresses only, looked up once."""

from collections.abc import Callable

import pytest

from app.webhooks.urls import Destination, UnsafeUrl, check_destination

PUBLIC = "93.184.215.14"


@pytest.fixture(autouse=True)
def no_proxy_in_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("https_proxy", "http_proxy", "all_proxy", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)


def answering(*answers: list[str]) -> tuple[Callable[[str], list[str]], list[str]]:
    """A resolver giving each answer in turn, and the names it was asked for."""
    asked: list[str] = []
    pending = list(answers)

    def resolve(host: str) -> list[str]:
        asked.append(host)
        return pending.pop(0)

    return resolve, asked


@pytest.mark.parametrize(
    "addresses",
    [
        ["127.0.0.1"],
        ["10.1.2.3"],
        ["192.168.0.10"],
        ["172.16.5.4"],
        ["169.254.169.254"],  # a cloud's instance metadata
        ["::1"],
        ["fd00::1"],
        ["fe80::1%eth0"],
        [PUBLIC, "10.1.2.3"],  # one private answer is enough
        [],
    ],
)
def test_a_host_with_any_private_address_is_refused(addresses: list[str]) -> None:
    resolve, _ = answering(addresses)
    with pytest.raises(UnsafeUrl):
        check_destination("https://hooks.example.org/iop", [], resolve)


def test_a_host_that_does_not_resolve_is_refused() -> None:
    def resolve(host: str) -> list[str]:
        raise OSError("Name or service not known")

    with pytest.raises(UnsafeUrl, match="does not resolve"):
        check_destination("https://hooks.example.org/iop", [], resolve)


def test_the_delivery_goes_to_the_address_that_was_checked() -> None:
    # A name server that answers a public address first and a private one after (DNS
    # rebinding) never gets asked twice.
    resolve, asked = answering([PUBLIC], ["127.0.0.1"])

    destination = check_destination("https://hooks.example.org:8443/iop?v=2", [], resolve)

    assert asked == ["hooks.example.org"]
    assert destination == Destination(
        urls=(f"https://{PUBLIC}:8443/iop?v=2",),
        headers={"Host": "hooks.example.org:8443"},
        extensions={"sni_hostname": "hooks.example.org"},
    )


def test_every_checked_address_is_kept_in_the_resolvers_order() -> None:
    resolve, _ = answering([PUBLIC, "2606:2800:21f:cb07:6820:80da:af6b:8b2c"])

    destination = check_destination("https://hooks.example.org/iop", [], resolve)

    assert destination.urls == (
        f"https://{PUBLIC}/iop",
        "https://[2606:2800:21f:cb07:6820:80da:af6b:8b2c]/iop",
    )


def test_an_ipv6_address_and_an_international_name_are_kept_apart() -> None:
    resolve, asked = answering(["2606:2800:21f:cb07:6820:80da:af6b:8b2c"])

    destination = check_destination("https://bücher.example/iop", [], resolve)

    assert asked == ["xn--bcher-kva.example"]
    assert destination.urls == ("https://[2606:2800:21f:cb07:6820:80da:af6b:8b2c]/iop",)
    assert destination.headers == {"Host": "xn--bcher-kva.example"}
    assert destination.extensions == {"sni_hostname": "xn--bcher-kva.example"}


def test_an_allowed_host_is_left_as_subscribed() -> None:
    resolve, asked = answering()

    destination = check_destination("http://127.0.0.1:9000/iop", ["127.0.0.1"], resolve)

    assert destination == Destination(("http://127.0.0.1:9000/iop",))
    assert asked == []


def test_through_an_egress_proxy_the_checked_url_goes_as_subscribed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The proxy connects by name (and would present an address to the server as its name).
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.internal:3128")
    monkeypatch.setenv("NO_PROXY", "hooks.partner.example")
    resolve, asked = answering([PUBLIC], [PUBLIC])

    proxied = check_destination("https://hooks.example.org/iop", [], resolve)
    bypassed = check_destination("https://hooks.partner.example/iop", [], resolve)

    assert proxied == Destination(("https://hooks.example.org/iop",))
    assert bypassed.urls == (f"https://{PUBLIC}/iop",)
    assert asked == ["hooks.example.org", "hooks.partner.example"]  # checked either way
