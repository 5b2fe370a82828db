import Testing

@testable import Signal

@Suite struct RegistrationRulesTests {
    @Test func acceptsTheReferenceExample() {
        #expect(RegistrationRules.problems(username: "user@example.com", password: "SecurePassword123!", confirmPassword: "SecurePassword123!").isEmpty)
    }

    @Test(arguments: ["user@example.com", "first.last+tag@sub.example.co.uk", "a@b.io"])
    func validEmails(email: String) {
        #expect(RegistrationRules.isEmail(email))
    }

    @Test(arguments: ["plain", "@example.com", "user@", "user@example", "user@exa mple.com", "us er@example.com", "user@@example.com", "user@-example.com", "user@example.c0m", ".user@example.com", "user..x@example.com"])
    func invalidEmails(email: String) {
        #expect(!RegistrationRules.isEmail(email))
    }

    @Test(arguments: [
        ("Short1A", "at least 8"),
        ("alllowercase1", "uppercase"),
        ("ALLUPPERCASE1", "lowercase"),
        ("NoDigitsHere", "number"),
        ("Aa1" + String(repeating: "x", count: 70), "at most 72 bytes"),
    ])
    func passwordRules(password: String, expected: String) {
        let problems = RegistrationRules.problems(username: "u@example.com", password: password, confirmPassword: password)
        #expect(problems.contains { $0.contains(expected) }, "\(problems)")
    }

    @Test func confirmationMustMatch() {
        #expect(RegistrationRules.problems(username: "u@example.com", password: "Password123", confirmPassword: "Password124") == ["confirmPassword must match password"])
        #expect(RegistrationRules.problems(username: "u@example.com", password: "Password123", confirmPassword: nil) == ["confirmPassword must match password"])
    }

    @Test func usernameLength() {
        #expect(RegistrationRules.usernameProblems("a@") == ["username must be 3 to 255 characters"])
        #expect(!RegistrationRules.usernameProblems(String(repeating: "a", count: 250) + "@x.io").isEmpty)
    }
}

@Suite struct ExtensionNumberTests {
    @Test(arguments: ["123-456", "000-000", "999-999"])
    func valid(text: String) {
        #expect(ExtensionNumber(text)?.rawValue == text)
    }

    @Test(arguments: ["123456", "12-3456", "123-45", "abc-def", "123-4567", " 123-456", "１２３-456", ""])
    func invalid(text: String) {
        #expect(ExtensionNumber(text) == nil)
    }

    @Test func randomExtensionsAreWellFormed() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<1000 {
            #expect(ExtensionNumber(ExtensionNumber.random(using: &generator).rawValue) != nil)
        }
    }
}
