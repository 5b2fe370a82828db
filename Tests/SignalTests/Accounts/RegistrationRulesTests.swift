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

    /// Unicode category Cc, U+0000–U+001F and U+007F–U+009F, and nothing around it.
    @Test(arguments: ["\u{0}", "\u{1}", "\t", "\n", "\r\n", "\u{1F}", "\u{7F}", "\u{80}", "\u{9F}"])
    func controlCharactersAreRefused(control: String) {
        let password = "SecurePass123!" + control + "x"
        #expect(RegistrationRules.passwordProblems(password) == ["password must not contain control characters such as NUL or newline"])
        #expect(RegistrationRules.usernameProblems("us" + control + "er@example.com") == ["username must not contain control characters such as NUL or newline"])
        #expect(RegistrationRules.controlCharacterProblems(username: "user@example.com", password: password).count == 1)
    }

    @Test(arguments: [" ", "\u{A0}", "é", "\u{200B}", "€"])
    func printableNeighboursAreNotControlCharacters(text: String) {
        #expect(!RegistrationRules.containsControlCharacter("SecurePass123!" + text))
        #expect(RegistrationRules.controlCharacterProblems(username: "user@example.com", password: "x" + text).isEmpty)
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
