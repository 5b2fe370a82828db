/// Every allocation of one relay shard, indexed by 5-tuple (client side)
/// and by relayed address (peer side). Quotas are counted across shards by
/// `RelayResources`.
struct AllocationTable: Sendable {
    private(set) var byFiveTuple: [FiveTuple: Allocation] = [:]
    private var byRelayed: [TransportAddress: FiveTuple] = [:]

    var count: Int { byFiveTuple.count }

    subscript(fiveTuple: FiveTuple) -> Allocation? {
        byFiveTuple[fiveTuple]
    }

    /// Mutates an allocation in place (no copy of its dictionaries); the
    /// indexes stay valid because the 5-tuple, relayed address and user are
    /// immutable.
    @discardableResult
    mutating func modify<Result>(_ fiveTuple: FiveTuple, _ body: (inout Allocation) -> Result) -> Result? {
        guard let index = byFiveTuple.index(forKey: fiveTuple) else { return nil }
        return body(&byFiveTuple.values[index])
    }

    func fiveTuple(relayedAt address: TransportAddress) -> FiveTuple? {
        byRelayed[address]
    }

    mutating func insert(_ allocation: Allocation) {
        precondition(byFiveTuple[allocation.fiveTuple] == nil, "allocation exists for this 5-tuple")
        byFiveTuple[allocation.fiveTuple] = allocation
        byRelayed[allocation.relayed] = allocation.fiveTuple
    }

    @discardableResult
    mutating func remove(_ fiveTuple: FiveTuple) -> Allocation? {
        guard let allocation = byFiveTuple.removeValue(forKey: fiveTuple) else { return nil }
        byRelayed.removeValue(forKey: allocation.relayed)
        return allocation
    }
}
