/// Special-purpose address ranges a relay must not reach by default
/// (IANA IPv4/IPv6 Special-Purpose Address Registries, RFC 6890 and
/// successors), so that the relay cannot be used to probe the box's own
/// network, its loopback services or a cloud metadata endpoint (RFC 8656 §21.2).
public enum PeerAddressCategory: String, Hashable, Sendable, CaseIterable {
    case unspecified
    case loopback
    case privateUse
    case sharedAddressSpace
    case linkLocal
    case multicast
    case reserved
    case documentation
    case benchmarking
    case uniqueLocal
    case protocolAssignments
    /// The appliance's own relay address on a port outside the relay range: one of the
    /// box's own services, not a range of the registry (`PeerPolicy`).
    case applianceService

    /// Every denied range with its category, both families.
    static let table: [(CIDR, PeerAddressCategory)] = ([
        ("0.0.0.0/8", .unspecified),                    // RFC 791 "this network"
        ("10.0.0.0/8", .privateUse),                    // RFC 1918
        ("100.64.0.0/10", .sharedAddressSpace),         // RFC 6598 CGNAT
        ("127.0.0.0/8", .loopback),                     // RFC 1122
        ("169.254.0.0/16", .linkLocal),                 // RFC 3927; cloud metadata 169.254.169.254
        ("172.16.0.0/12", .privateUse),                 // RFC 1918
        ("192.0.0.0/24", .protocolAssignments),         // RFC 6890
        ("192.0.2.0/24", .documentation),               // RFC 5737 TEST-NET-1
        ("192.88.99.0/24", .reserved),                  // RFC 7526 deprecated 6to4 relay anycast
        ("192.168.0.0/16", .privateUse),                // RFC 1918
        ("198.18.0.0/15", .benchmarking),               // RFC 2544
        ("198.51.100.0/24", .documentation),            // RFC 5737 TEST-NET-2
        ("203.0.113.0/24", .documentation),             // RFC 5737 TEST-NET-3
        ("224.0.0.0/4", .multicast),                    // RFC 5771
        ("240.0.0.0/4", .reserved),                     // RFC 1112, includes 255.255.255.255
        ("::/128", .unspecified),                       // RFC 4291
        ("::1/128", .loopback),                         // RFC 4291
        ("64:ff9b:1::/48", .reserved),                  // RFC 8215 local-use NAT64
        ("100::/64", .reserved),                        // RFC 6666 discard-only
        ("2001::/23", .protocolAssignments),            // RFC 2928 (Teredo, ORCHID, ...)
        ("2001:db8::/32", .documentation),              // RFC 3849
        ("3fff::/20", .documentation),                  // RFC 9637
        ("5f00::/16", .reserved),                       // RFC 9602 SRv6 SIDs
        ("fc00::/7", .uniqueLocal),                     // RFC 4193
        ("fe80::/10", .linkLocal),                      // RFC 4291
        ("fec0::/10", .reserved),                       // RFC 3879 deprecated site-local
        ("ff00::/8", .multicast),                       // RFC 4291
    ] as [(String, PeerAddressCategory)]).map { (CIDR(unchecked: $0.0), $0.1) }

    /// The category of a special-purpose address; `nil` for ordinary unicast.
    /// IPv4-embedded IPv6 is not unwrapped here: `PeerPolicy` does that first.
    public static func of(_ address: IPAddress) -> PeerAddressCategory? {
        table.first { $0.0.contains(address) }?.1
    }
}
