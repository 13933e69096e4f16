package safehttp

import (
	"net/netip"
	"strconv"
	"strings"
)

// rangeRule names a block of addresses that may not be fetched.
type rangeRule struct {
	prefix netip.Prefix
	reason string
	// private marks ranges that AllowPrivate opens (loopback, private,
	// link-local, shared address space, unique local); everything else stays
	// closed whatever the setting.
	private bool
}

func mustPrefix(s string) netip.Prefix { return netip.MustParsePrefix(s) }

// metadataAddrs are cloud instance metadata services. They stay refused even
// when private networks are allowed: no self-hosted news source lives there.
var metadataAddrs = map[netip.Addr]bool{
	netip.MustParseAddr("169.254.169.254"): true, // AWS, GCP, Azure, OpenStack, DigitalOcean
	netip.MustParseAddr("169.254.170.2"):   true, // AWS ECS task metadata
	netip.MustParseAddr("100.100.100.200"): true, // Alibaba Cloud
	netip.MustParseAddr("192.0.0.192"):     true, // Oracle Cloud
	netip.MustParseAddr("fd00:ec2::254"):   true, // AWS over IPv6
}

var v4Rules = []rangeRule{
	{mustPrefix("0.0.0.0/8"), "an unspecified (\"this network\") address", false},
	{mustPrefix("10.0.0.0/8"), "a private network address", true},
	{mustPrefix("100.64.0.0/10"), "a shared (carrier-grade NAT) address", true},
	{mustPrefix("127.0.0.0/8"), "a loopback address", true},
	{mustPrefix("169.254.0.0/16"), "a link-local address", true},
	{mustPrefix("172.16.0.0/12"), "a private network address", true},
	{mustPrefix("192.0.0.0/24"), "a reserved protocol-assignment address", false},
	{mustPrefix("192.0.2.0/24"), "a documentation address", false},
	{mustPrefix("192.88.99.0/24"), "a reserved relay address", false},
	{mustPrefix("192.168.0.0/16"), "a private network address", true},
	{mustPrefix("198.18.0.0/15"), "a benchmarking address", false},
	{mustPrefix("198.51.100.0/24"), "a documentation address", false},
	{mustPrefix("203.0.113.0/24"), "a documentation address", false},
	{mustPrefix("224.0.0.0/4"), "a multicast address", false},
	{mustPrefix("240.0.0.0/4"), "a reserved address", false},
}

var v6Rules = []rangeRule{
	{mustPrefix("::/128"), "an unspecified address", false},
	{mustPrefix("::1/128"), "a loopback address", true},
	{mustPrefix("64:ff9b:1::/48"), "a local NAT64 address", true},
	{mustPrefix("100::/64"), "a discard-only address", false},
	{mustPrefix("2001::/32"), "a Teredo tunnel address", false},
	{mustPrefix("2001:2::/48"), "a benchmarking address", false},
	{mustPrefix("2001:10::/28"), "a reserved ORCHID address", false},
	{mustPrefix("2001:20::/28"), "a reserved ORCHIDv2 address", false},
	{mustPrefix("2001:db8::/32"), "a documentation address", false},
	{mustPrefix("3fff::/20"), "a documentation address", false},
	{mustPrefix("5f00::/16"), "a reserved segment-routing address", false},
	{mustPrefix("fc00::/7"), "a private (unique local) address", true},
	{mustPrefix("fe80::/10"), "a link-local address", true},
	{mustPrefix("fec0::/10"), "a site-local address", true},
	{mustPrefix("ff00::/8"), "a multicast address", false},
}

var (
	prefixMapped   = mustPrefix("::ffff:0:0/96")
	prefixCompat   = mustPrefix("::/96")
	prefixNAT64    = mustPrefix("64:ff9b::/96")
	prefix6to4     = mustPrefix("2002::/16")
	prefixGlobalV6 = mustPrefix("2000::/3")
)

// CheckAddr reports why addr may not be fetched, or "" when it may. With
// allowPrivate, loopback, private, link-local, shared and unique local
// addresses are allowed; cloud metadata, multicast, unspecified,
// documentation, benchmarking and reserved addresses never are.
// IPv4-mapped, IPv4-compatible, NAT64 and 6to4 IPv6 addresses are judged by
// the IPv4 address they embed.
func CheckAddr(addr netip.Addr, allowPrivate bool) string {
	if !addr.IsValid() {
		return "an invalid address"
	}
	if addr.Zone() != "" {
		return "an address with a zone (a local interface)"
	}
	if metadataAddrs[addr] {
		return "a cloud metadata service address"
	}
	if addr.Is4() {
		if addr == netip.AddrFrom4([4]byte{255, 255, 255, 255}) {
			return "the broadcast address"
		}
		for _, r := range v4Rules {
			if r.prefix.Contains(addr) {
				if r.private && allowPrivate {
					return ""
				}
				return r.reason
			}
		}
		return ""
	}
	// IPv6 forms that carry an IPv4 address are judged by that address.
	switch {
	case prefixMapped.Contains(addr):
		return embedded(addr.Unmap(), "IPv4-mapped", allowPrivate)
	case addr != netip.IPv6Unspecified() && addr != netip.IPv6Loopback() && prefixCompat.Contains(addr):
		b := addr.As16()
		return embedded(netip.AddrFrom4([4]byte(b[12:16])), "IPv4-compatible", allowPrivate)
	case prefixNAT64.Contains(addr):
		b := addr.As16()
		return embedded(netip.AddrFrom4([4]byte(b[12:16])), "NAT64", allowPrivate)
	case prefix6to4.Contains(addr):
		b := addr.As16()
		return embedded(netip.AddrFrom4([4]byte(b[2:6])), "6to4", allowPrivate)
	}
	for _, r := range v6Rules {
		if r.prefix.Contains(addr) {
			if r.private && allowPrivate {
				return ""
			}
			return r.reason
		}
	}
	if !prefixGlobalV6.Contains(addr) {
		return "a reserved address"
	}
	return ""
}

func embedded(v4 netip.Addr, form string, allowPrivate bool) string {
	if reason := CheckAddr(v4, allowPrivate); reason != "" {
		return "an " + form + " form of " + reason
	}
	return ""
}

// parseLooseIPv4 parses host the way inet_aton and many URL parsers do:
// one to four parts, each decimal, octal (leading 0) or hexadecimal (0x),
// the last part filling the remaining bytes. It reports ok only for such
// spellings; a plain dotted quad also parses.
func parseLooseIPv4(host string) (netip.Addr, bool) {
	host = strings.TrimSuffix(host, ".")
	if host == "" {
		return netip.Addr{}, false
	}
	parts := strings.Split(host, ".")
	if len(parts) > 4 {
		return netip.Addr{}, false
	}
	vals := make([]uint64, len(parts))
	for i, p := range parts {
		if p == "" {
			return netip.Addr{}, false
		}
		base := 10
		digits := p
		switch {
		case len(p) > 1 && (p[:2] == "0x" || p[:2] == "0X"):
			base, digits = 16, p[2:]
			if digits == "" {
				digits = "0"
			}
		case len(p) > 1 && p[0] == '0':
			base, digits = 8, p[1:]
		}
		v, err := strconv.ParseUint(digits, base, 64)
		if err != nil || v > 0xffffffff {
			return netip.Addr{}, false
		}
		vals[i] = v
	}
	var n uint64
	for i, v := range vals[:len(vals)-1] {
		if v > 0xff {
			return netip.Addr{}, false
		}
		n |= v << (8 * (3 - i))
	}
	last := vals[len(vals)-1]
	if last >= 1<<(8*(5-len(vals))) {
		return netip.Addr{}, false
	}
	n |= last
	return netip.AddrFrom4([4]byte{byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)}), true
}
