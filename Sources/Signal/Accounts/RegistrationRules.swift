/// The validation rules of `POST /api/auth/register` (API reference): the username is an
/// email address of 3–255 characters; the password has at least 8 characters with an
/// uppercase letter, a lowercase letter and a digit; `confirmPassword` matches. Neither
/// holds a control character. `notrack users add|passwd` hold accounts to the same rules.
public enum RegistrationRules {
    /// bcrypt reads only the first 72 bytes of a password; longer ones are refused rather
    /// than silently truncated.
    static let maximumPasswordBytes = 72

    /// Every rule the input breaks, as messages a user can act on; empty when valid.
    static func problems(username: String, password: String, confirmPassword: String?) -> [String] {
        var problems = usernameProblems(username)
        problems += passwordProblems(password)
        if confirmPassword != password { problems.append("confirmPassword must match password") }
        return problems
    }

    public static func usernameProblems(_ username: String) -> [String] {
        // Alone: the email rules would only repeat it less clearly.
        if let problem = controlCharacterProblem("username", username) { return [problem] }
        guard (3...255).contains(username.count) else { return ["username must be 3 to 255 characters"] }
        return isEmail(username) ? [] : ["username must be a valid email address"]
    }

    public static func passwordProblems(_ password: String) -> [String] {
        var problems: [String] = []
        if password.count < 8 { problems.append("password must be at least 8 characters") }
        if password.utf8.count > maximumPasswordBytes { problems.append("password must be at most \(maximumPasswordBytes) bytes") }
        if !password.contains(where: \.isUppercase) { problems.append("password must include an uppercase letter") }
        if !password.contains(where: \.isLowercase) { problems.append("password must include a lowercase letter") }
        if !password.contains(where: \.isNumber) { problems.append("password must include a number") }
        if let problem = controlCharacterProblem("password", password) { problems.append(problem) }
        return problems
    }

    /// The one rule a login holds credentials to (older accounts may predate the others):
    /// bcrypt stops at a NUL byte, so `secret\0anything` would match `secret`, and other
    /// control characters are never typed on purpose.
    static func controlCharacterProblems(username: String, password: String) -> [String] {
        [controlCharacterProblem("username", username), controlCharacterProblem("password", password)].compactMap { $0 }
    }

    /// Unicode general category Cc: U+0000–U+001F and U+007F–U+009F.
    static func containsControlCharacter(_ text: String) -> Bool {
        text.unicodeScalars.contains { $0.properties.generalCategory == .control }
    }

    private static func controlCharacterProblem(_ field: String, _ text: String) -> String? {
        containsControlCharacter(text) ? "\(field) must not contain control characters such as NUL or newline" : nil
    }

    /// A practical email check, as validator.js's `isEmail` judges the common cases: one
    /// `@`, a non-empty local part without spaces, and a dotted domain of letters, digits
    /// and hyphens with a top-level label of at least two letters.
    static func isEmail(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, let local = parts.first, let domain = parts.last,
            (1...64).contains(local.count), !local.hasPrefix("."), !local.hasSuffix("."), !local.contains(".."),
            local.allSatisfy({ $0.isASCII && !$0.isWhitespace && !"()<>[]:;,\\\"".contains($0) && !$0.isNewline })
        else { return false }
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2, let top = labels.last, top.count >= 2, top.allSatisfy(\.isLetter) else { return false }
        return labels.allSatisfy { label in
            (1...63).contains(label.count) && label.first != "-" && label.last != "-"
                && label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
        }
    }
}
