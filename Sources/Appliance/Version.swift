/// The appliance's version: `notrack version`, `GET /` and the Debian package share it.
enum Version {
    static let string = "0.1.0"
}
