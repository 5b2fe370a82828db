/// The `code` of the server's `error` event (API reference, "error"), plus the codes
/// NoTrack adds for cases the reference leaves open (docs/api-notes.md).
public enum SignalingErrorCode: String, Sendable, Equatable, Codable {
    // The reference's codes.
    case userNotFound = "USER_NOT_FOUND"
    case invalidExtension = "INVALID_EXTENSION"
    case alreadyInCall = "ALREADY_IN_CALL"
    case rateLimitExceeded = "RATE_LIMIT_EXCEEDED"
    case authenticationFailed = "AUTHENTICATION_FAILED"
    // NoTrack's additions.
    case invalidPayload = "INVALID_PAYLOAD"
    case noActiveCall = "NO_ACTIVE_CALL"
    case cannotCallSelf = "CANNOT_CALL_SELF"
    case sessionReplaced = "SESSION_REPLACED"
}

/// Why a call ended, carried by `call-ended` as `reason`.
public enum CallEndReason: String, Sendable, Equatable, Codable {
    /// Either party hung up an answered call.
    case hangup
    /// The callee declined a ringing call.
    case rejected
    /// The caller gave up before the callee answered.
    case cancelled
    /// Nobody answered within the ring timeout.
    case timeout
    /// A party's connection went away.
    case disconnect
}
