"""The join line names this computer by an address the class can reach: never a VPN's or a
container network's without saying so; the console lists the others; --advertise chooses."""

from __future__ import annotations

import socket

import pytest

from winterpalace.classroom import addresses
from winterpalace.classroom.cli import join_line


@pytest.mark.parametrize("name, ip, kind", [
    ("wlan0", "192.168.1.20", addresses.NETWORK), ("en0", "10.0.0.7", addresses.NETWORK),
    ("Wi-Fi", "192.168.0.4", addresses.NETWORK), ("eth0", "172.20.3.4", addresses.NETWORK),
    ("tun0", "10.8.0.2", addresses.VPN), ("wg0", "10.66.0.2", addresses.VPN), ("utun3", "10.7.0.1", addresses.VPN),
    ("tailscale0", "100.101.1.2", addresses.VPN), ("", "100.101.1.2", addresses.VPN),
    ("ppp0", "10.64.1.1", addresses.VPN), ("NordVPN", "10.5.0.2", addresses.VPN),
    ("docker0", "172.17.0.1", addresses.VIRTUAL), ("br-3f2a", "172.18.0.1", addresses.VIRTUAL),
    ("virbr0", "192.168.122.1", addresses.VIRTUAL), ("vboxnet0", "192.168.56.1", addresses.VIRTUAL),
    ("vEthernet (WSL)", "172.29.80.1", addresses.VIRTUAL),
    ("eth1", "169.254.10.20", addresses.LINK_LOCAL),
])
def test_what_an_address_seems_to_be(name, ip, kind):
    assert addresses.classify(name, ip) == kind


def _machine(monkeypatch, found, route):
    monkeypatch.setattr(addresses, "_by_interface", lambda: found)
    monkeypatch.setattr(addresses, "default_route_ip", lambda: route)


def test_a_laptop_on_a_vpn_with_docker_gives_its_wifi_address(monkeypatch):
    _machine(monkeypatch, [("lo", "127.0.0.1"), ("docker0", "172.17.0.1"),
                           ("tun0", "10.8.0.2"), ("wlan0", "192.168.1.20")], "10.8.0.2")
    found = addresses.candidates()
    assert [a.ip for a in found] == ["192.168.1.20", "10.8.0.2", "172.17.0.1"]
    line, notes = join_line("0.0.0.0", 2222)
    assert line == "ssh -p 2222 <your name>@192.168.1.20"
    [note] = notes
    assert "192.168.1.20 (wlan0)" in note and "10.8.0.2 (tun0: a VPN)" in note
    assert "172.17.0.1 (docker0: a container or virtual machine network)" in note
    assert "--advertise ADDRESS" in note
    # The teacher chooses: the join line says what they gave.
    line, notes = join_line("0.0.0.0", 2222, "10.8.0.2")
    assert line.endswith("@10.8.0.2") and notes == []
    line, notes = join_line("0.0.0.0", 22, "teacher-laptop.local")
    assert line == "ssh <your name>@teacher-laptop.local" and notes == []
    line, [note] = join_line("0.0.0.0", 2222, "10.1.2.3")
    assert "10.1.2.3 is not one of this computer's addresses" in note


def test_the_default_route_goes_first_and_one_address_needs_no_list(monkeypatch):
    _machine(monkeypatch, [("eth0", "192.168.1.5"), ("wlan0", "10.0.0.9")], "10.0.0.9")
    assert join_line("0.0.0.0", 2222)[0].endswith("@10.0.0.9")
    _machine(monkeypatch, [("lo", "127.0.0.1"), ("eth0", "192.168.1.5")], "192.168.1.5")
    assert join_line("::", 2222) == ("ssh -p 2222 <your name>@192.168.1.5", [])
    # Listening on one address: that one, whatever else there is.
    assert join_line("10.0.0.9", 2222) == ("ssh -p 2222 <your name>@10.0.0.9", [])


def test_no_ordinary_network_is_said_out_loud(monkeypatch):
    _machine(monkeypatch, [("tun0", "10.8.0.2"), ("docker0", "172.17.0.1")], "10.8.0.2")
    line, [note] = join_line("0.0.0.0", 2222)
    assert line.endswith("@10.8.0.2")
    assert note.startswith("!! This computer is on no ordinary network (only 10.8.0.2 (tun0")
    assert "--advertise" in note
    _machine(monkeypatch, [("lo", "127.0.0.1")], None)
    monkeypatch.setattr(addresses, "_by_name", lambda: [])
    line, [note] = join_line("0.0.0.0", 2222)
    assert line.endswith("@" + socket.gethostname()) and "no ordinary network" in note


def test_this_machines_own_addresses():
    found = addresses.candidates()
    assert all(not a.ip.startswith("127.") for a in found)
    assert len({a.ip for a in found}) == len(found)
    for a in found:
        socket.inet_aton(a.ip)
