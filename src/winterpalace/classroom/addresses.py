"""This computer's network addresses, for the join line students type.

A laptop often has several: the Wi-Fi or the cable the class shares, and others no student can
reach (a VPN, a container or virtual-machine network). `candidates` lists them with what each
seems to be, `choose` takes the one the class most likely shares and never a VPN's or a
container's without saying so, and the console shows the teacher the rest (`--advertise`
picks another). Nothing is sent over the network to find them.
"""

from __future__ import annotations

import ipaddress
import socket
import struct
import sys
from dataclasses import dataclass

NETWORK, VPN, VIRTUAL, LINK_LOCAL = "network", "vpn", "virtual", "link-local"
# Interface names that are not the class's network, by the first letters.
_VIRTUAL = ("docker", "br-", "veth", "virbr", "vboxnet", "vmnet", "vmenet", "lxc", "lxd", "cni",
            "flannel", "cali", "podman", "vethernet", "bridge", "kube", "weave")
_VPN = ("tun", "tap", "wg", "utun", "ppp", "ipsec", "tailscale", "zt", "nordlynx", "proton",
        "gpd", "vpn", "mullvad")
_SAYS = {VPN: "a VPN", VIRTUAL: "a container or virtual machine network",
         LINK_LOCAL: "no network: the computer gave itself this address"}


@dataclass(frozen=True, slots=True)
class Address:
    """One of this computer's IPv4 addresses: on which interface (if known), and what it seems
    to be (`network`, `vpn`, `virtual`, `link-local`)."""

    ip: str
    interface: str
    kind: str
    default_route: bool = False

    def describe(self) -> str:
        """`192.168.1.20 (wlan0)`, `10.8.0.2 (tun0: a VPN)`."""
        parts = [self.interface] if self.interface else []
        note = _SAYS.get(self.kind)
        label = ", ".join(parts)
        if note:
            label = f"{label}: {note}" if label else note
        return f"{self.ip} ({label})" if label else self.ip


def classify(interface: str, ip: str) -> str:
    """What an address seems to be, by its interface's name and its range."""
    name = interface.lower()
    addr = ipaddress.ip_address(ip)
    if addr.is_link_local:
        return LINK_LOCAL
    if name.startswith(_VPN) or "vpn" in name:
        return VPN
    if name.startswith(_VIRTUAL) or "wsl" in name or "hyper-v" in name:
        return VIRTUAL
    if not name and addr in ipaddress.ip_network("100.64.0.0/10"):
        return VPN                       # shared address space: Tailscale and the like
    return NETWORK


def default_route_ip() -> str | None:
    """The address this computer would send from to reach beyond its networks: a UDP socket
    is 'connected' to a documentation address, which sends nothing."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.connect(("192.0.2.1", 9))
            ip = str(s.getsockname()[0])
    except OSError:
        return None
    return None if ip.startswith(("0.", "127.")) else ip


def _by_interface() -> list[tuple[str, str]]:
    """(interface, IPv4 address) of each interface that has one (Linux and macOS)."""
    if not hasattr(socket, "if_nameindex") or sys.platform == "win32":
        return []
    try:
        import fcntl
    except ImportError:                 # pragma: no cover - not on a POSIX system
        return []
    siocgifaddr = 0x8915 if sys.platform.startswith("linux") else 0xC0206921
    out = []
    try:
        names = [name for _, name in socket.if_nameindex()]
    except OSError:
        return []
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        for name in names:
            try:
                req = struct.pack("256s", name.encode()[:15])
                res = fcntl.ioctl(s.fileno(), siocgifaddr, req)
            except OSError:
                continue                 # no IPv4 address on it
            out.append((name, socket.inet_ntoa(res[20:24])))
    return out


def _by_name() -> list[str]:
    """This computer's IPv4 addresses as its own name resolves (Windows, and a fallback)."""
    try:
        infos = socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)
    except OSError:
        return []
    return sorted({str(info[4][0]) for info in infos})


def candidates() -> list[Address]:
    """This computer's IPv4 addresses other than its own loopback, the one its default route
    uses first, then the class's likely networks, then the rest."""
    route = default_route_ip()
    found = [(name, ip) for name, ip in _by_interface()]
    if not found:
        found = [("", ip) for ip in _by_name()]
    if route and all(ip != route for _, ip in found):
        found.append(("", route))
    seen: dict[str, Address] = {}
    for name, ip in found:
        if ip.startswith("127.") or ip == "0.0.0.0" or ip in seen:
            continue
        seen[ip] = Address(ip, name, classify(name, ip), ip == route)
    order = {NETWORK: 0, VPN: 1, VIRTUAL: 2, LINK_LOCAL: 3}
    return sorted(seen.values(), key=lambda a: (not (a.default_route and a.kind == NETWORK),
                                                order[a.kind], a.ip))


def choose(found: list[Address]) -> Address | None:
    """The address for the join line: the default route's, or the first on an ordinary
    network; None if there is none (only a VPN or a container network, or nothing)."""
    return next((a for a in found if a.kind == NETWORK), None)


__all__ = ["Address", "candidates", "choose", "classify", "default_route_ip"]
