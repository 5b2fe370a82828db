import Foundation
import HTTPTypes
import Hummingbird

/// `GET /api/turn/credentials`: ICE servers with fresh, expiring TURN credentials for the
/// user named by the bearer token (DESIGN.md, "Credentials").
struct TURNRoutes {
    let authenticator: JWTAuthenticator
    let sessions: AccountSessions?
    let iceServers: any ICEServerProvider

    func register(on router: Router<SignalRequestContext>) {
        router.get("/api/turn/credentials") { request, _ in
            let claims = try await BearerToken.verify(request, with: authenticator, sessions: sessions)
            return iceServers.iceServers(for: claims.extension, host: RequestHost.name(of: request), now: Date())
        }
    }
}

extension ICEConfiguration: ResponseEncodable {}

/// The `Authorization: Bearer <JWT>` check shared by every protected route.
enum BearerToken {
    /// The token's claims, if it is valid and (with `sessions`) its account still stands.
    static func verify(
        _ request: Request, with authenticator: JWTAuthenticator, sessions: AccountSessions? = nil
    ) async throws -> SessionClaims {
        guard let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer ") else {
            throw unauthorized("Missing bearer token: send Authorization: Bearer <token>")
        }
        let claims: SessionClaims
        do {
            claims = try await authenticator.verify(String(header.dropFirst("bearer ".count)).trimmingCharacters(in: .whitespaces))
        } catch {
            throw unauthorized("Invalid or expired token")
        }
        if let sessions, await !sessions.isCurrent(claims) {
            throw unauthorized("This token's account was removed or its password changed: log in again")
        }
        return claims
    }

    private static func unauthorized(_ message: String) -> HTTPError {
        HTTPError(.unauthorized, headers: [.wwwAuthenticate: "Bearer"], message: message)
    }
}

/// The host name of the request's `Host` (or HTTP/2 `:authority`), without the port.
enum RequestHost {
    static func name(of request: Request) -> String? {
        request.head.authority.flatMap(name(ofAuthority:))
    }

    static func name(ofAuthority authority: String) -> String? {
        guard !authority.isEmpty else { return nil }
        if authority.hasPrefix("["), let close = authority.firstIndex(of: "]") {
            return String(authority[authority.index(after: authority.startIndex)..<close])
        }
        return authority.split(separator: ":", maxSplits: 1).first.map(String.init)
    }
}
