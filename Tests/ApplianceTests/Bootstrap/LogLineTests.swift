import Foundation
import Logging
import Testing

@testable import Appliance

@Suite struct LogLineTests {
    let line = LogLine(
        timestamp: Date(timeIntervalSince1970: 1_734_868_800.25),
        level: .info,
        label: "notrack.http",
        message: "request \"quoted\"\nsecond line",
        metadata: ["status": .stringConvertible(200), "route": "/health/live", "nested": .dictionary(["a": .array(["x", "y"])])]
    )

    @Test func jsonIsOneParsableObjectPerLine() throws {
        let json = line.json()
        #expect(!json.contains("\n"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(object["time"] as? String == "2024-12-22T12:00:00.250Z")
        #expect(object["level"] as? String == "info")
        #expect(object["msg"] as? String == "request \"quoted\"\nsecond line")
        #expect(object["status"] as? String == "200")
        #expect(object["route"] as? String == "/health/live")
        #expect((object["nested"] as? [String: [String]])?["a"] == ["x", "y"])
    }

    @Test func controlCharactersAreEscaped() {
        #expect(LogLine.quoted("a\u{01}b\tc") == "\"a\\u0001b\\tc\"")
    }

    @Test func textIsLogfmtLike() {
        let text = line.text()
        #expect(text.hasPrefix("2024-12-22T12:00:00.250Z INFO request"))
        #expect(text.contains(" route=/health/live"))
        #expect(text.contains(" status=200"))
    }
}
