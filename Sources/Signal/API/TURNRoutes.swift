import Foundation
import HTTPTypes
import Hummingbird

/// `GET /api/turn/credentials`: ICE servers with fresh, expiring TURN credentials for the
/// user named by the bearer token (DESIGN.md, "Credentials").
struct TURNRoutes {
    let authenticator: JWTAuthenticator
    let iceServers: any ICEServerProvider

    func register(on router: Router<SignalRequestContext>) {
        router.get("/api/turn/credentials") { request, _ in
            let claims = try await BearerToken.verify(request, with: authenticator)
            return iceServers.iceServers(for: claims.extension, host: RequestHost.name(of: request), now: Date())
        }
    }
}

extension ICEConfiguration: ResponseEncodable {}

/// The `Authorization: Bearer <JWT>` check shared by every protected route.
enum BearerToken {
    static func verify(_ request: Request, with authenticator: JWTAuthenticator) async throws -> SessionClaims {
        guard let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer ") else {
            throw unauthorized("Missing bearer token: send Authorization: Bearer <token>")
        }
        do {
            return try await authenticator.verify(String(header.dropFirst("bearer ".count)).trimmingCharacters(in: .whitespaces))
        } catch {
            throw unauthorized("Invalid or expired token")
        }
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
