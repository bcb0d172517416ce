#!/usr/bin/env python3
"""Writes the generated seeds of fuzz/corpus/fuzz_dns/.

Each seed is one byte for the type asked (0 A, 1 AAAA, 2 PTR, 3 TXT, 4 MX,
as fuzz_dns.c reads it) and a DNS answer message, question included.
Regression inputs (crash-*, timeout-*, slow-*, oom-*) live there too and
are never touched.  The output is deterministic: rerunning this changes
nothing unless this script changed.
"""
import os
import struct

A, AAAA, PTR, TXT, MX = 0, 1, 2, 3, 4
T = {"A": 1, "CNAME": 5, "SOA": 6, "PTR": 12, "MX": 15, "TXT": 16,
     "AAAA": 28}


def name(text):
    """A name in wire form, uncompressed."""
    out = b""
    for label in text.rstrip(".").split("."):
        if label:
            out += bytes([len(label)]) + label.encode()
    return out + b"\0"


def ptr(offset):
    """A compression pointer to offset."""
    return struct.pack(">H", 0xC000 | offset)


# The question always starts at offset 12.
Q = ptr(12)


def rr(owner, rtype, rdata, ttl=300, rclass=1):
    return owner + struct.pack(">HHIH", T[rtype], rclass, ttl,
                               len(rdata)) + rdata


def msg(qname, qtype, answers=(), authority=(), rcode=0, flags=0x8180):
    head = struct.pack(">HHHHHH", 0x1234, flags | rcode, 1, len(answers),
                       len(authority), 0)
    body = name(qname) + struct.pack(">HH", T[qtype], 1)
    return head + body + b"".join(answers) + b"".join(authority)


def soa(minimum=60):
    return name("ns.example.com") + name("hostmaster.example.com") + \
        struct.pack(">IIIII", 1, 7200, 3600, 1209600, minimum)


def strings(*parts):
    return b"".join(bytes([len(p)]) + p for p in parts)


seeds = {}

# Plain answers of every type.
seeds["a"] = bytes([A]) + msg("example.com", "A", [
    rr(Q, "A", bytes([192, 0, 2, 1]), ttl=3600),
    rr(Q, "A", bytes([192, 0, 2, 2]), ttl=60)])
seeds["a-cname"] = bytes([A]) + msg("www.example.com", "A", [
    rr(Q, "CNAME", name("web.example.com"), ttl=600),
    rr(name("web.example.com"), "A", bytes([198, 51, 100, 7]))])
seeds["aaaa"] = bytes([AAAA]) + msg("example.com", "AAAA", [
    rr(Q, "AAAA", bytes.fromhex("20010db8000000000000000000000001"))])
seeds["ptr"] = bytes([PTR]) + msg("1.2.0.192.in-addr.arpa", "PTR", [
    rr(Q, "PTR", name("Mail.Example.COM"))])
# A PTR name no host has: a space, a dot inside a label, a control byte.
seeds["ptr-odd"] = bytes([PTR]) + msg("2.2.0.192.in-addr.arpa", "PTR", [
    rr(Q, "PTR", b"\x05a b.c\x03x\x01y\x00")])
seeds["mx"] = bytes([MX]) + msg("example.com", "MX", [
    rr(Q, "MX", struct.pack(">H", 10) + b"\x02mx" + ptr(12)),
    rr(Q, "MX", struct.pack(">H", 20) + name("mx2.example.net"))])
seeds["mx-null"] = bytes([MX]) + msg("example.com", "MX", [
    rr(Q, "MX", struct.pack(">H", 0) + b"\0")])
seeds["txt"] = bytes([TXT]) + msg("example.com", "TXT", [
    rr(Q, "TXT", strings(b"v=spf1 ", b"ip4:192.0.2.0/24 -all")),
    rr(Q, "TXT", strings(b"nul\0inside", b""))])

# Absence and trouble.
seeds["nxdomain-soa"] = bytes([TXT]) + msg(
    "_dmarc.nowhere.example", "TXT",
    authority=[rr(name("example"), "SOA", soa(60), ttl=3600)], rcode=3)
seeds["nodata-soa"] = bytes([MX]) + msg(
    "example.com", "MX", authority=[rr(Q, "SOA", soa(30))])
seeds["servfail"] = bytes([A]) + msg("example.com", "A", rcode=2)

# Malformed: the owner name points at itself; a record longer than the
# message; a pointer past the end; a pointer forward; a cut question.
head = msg("loop.example", "A")
seeds["loop"] = bytes([A]) + head[:6] + b"\0\1" + head[8:] + \
    rr(ptr(len(head)), "A", bytes(4))
head = msg("trunc.example", "A")
seeds["truncated"] = bytes([A]) + head[:6] + b"\0\1" + head[8:] + \
    Q + struct.pack(">HHIH", 1, 1, 300, 200) + bytes(4)
seeds["ptr-past-end"] = bytes([PTR]) + msg("x.example", "PTR", [
    rr(Q, "PTR", ptr(0x3FFF))])
seeds["ptr-forward"] = bytes([MX]) + msg("fwd.example", "MX", [
    rr(Q, "MX", struct.pack(">H", 10) + ptr(0x3000))])
seeds["cut-question"] = bytes([A]) + msg("example.com", "A")[:20]

# More records than are kept, each with its own TTL.
seeds["many"] = bytes([A]) + msg("many.example", "A", [
    rr(Q, "A", bytes([192, 0, 2, i]), ttl=1000 - i) for i in range(70)])
# The longest name: 255 wire bytes, every label byte 0xff.
seeds["long-name"] = bytes([MX]) + msg("long.example", "MX", [
    rr(Q, "MX", struct.pack(">H", 5) + b"".join(
        bytes([n]) + b"\xff" * n for n in (63, 63, 63, 61)) + b"\0")])

here = os.path.dirname(os.path.abspath(__file__))
out = os.path.join(here, "corpus", "fuzz_dns")
os.makedirs(out, exist_ok=True)
for seed, data in sorted(seeds.items()):
    with open(os.path.join(out, seed), "wb") as f:
        f.write(data)
