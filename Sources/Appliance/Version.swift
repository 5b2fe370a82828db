/// The appliance's version: `notrack version`, `GET /` (as `applianceVersion`; its
/// `version` is the API reference's) and the Debian package share it.
enum Version {
    static let string = "0.1.0"
}
