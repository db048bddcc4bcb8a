using PacSpace.Hosting.Errors;

namespace PacSpace.Plane.Features.Records;

/// <summary>
/// The Records API's own refusals. Each code has one sentence that teaches its rule, sent as the error's message; the
/// details name the field and what in it broke the rule. Nothing is written when one is answered.
/// </summary>
internal static class RecordErrors
{
    public const string GenesisMismatch = "RECORD_GENESIS_MISMATCH";
    public const string Closed = "RECORD_CLOSED";
    public const string AmendsMismatch = "RECORD_AMENDS_MISMATCH";
    public const string EntryNotFound = "RECORD_ENTRY_NOT_FOUND";
    public const string PayloadInvalid = "RECORD_PAYLOAD_INVALID";
    public const string PayloadAlgUnsupported = "RECORD_PAYLOAD_ALG_UNSUPPORTED";
    public const string ReferenceInvalid = "RECORD_REFERENCE_INVALID";
    public const string LimitExceeded = "RECORD_LIMIT_EXCEEDED";

    /// <summary>Most payload references, and most references, one entry carries.</summary>
    public const int MaxItems = 100;

    /// <summary>The rule each code teaches, and the status it is answered with.</summary>
    public static (int Status, string Sentence) Rule(string code) => code switch
    {
        GenesisMismatch => (409, "A record opens with recorded; amended and closed come after it."),
        Closed => (409, "A record that is closed takes nothing more; record further actions under a new entityId."),
        AmendsMismatch => (400, "An amended entry names the entry of its own record that it amends (amends: {recordKey, seq}); recorded and closed entries amend nothing."),
        EntryNotFound => (404, "amends and references name entries already recorded for your account in this environment: a recordKey and a seq that record has reached (seq counts from 0)."),
        PayloadInvalid => (400, "A payload reference is exactly {alg: \"sha-256\", digest: 64 lower-case hex characters, byteLength: a whole number from 0, as a JSON integer or a decimal string}, as fingerprint() makes it."),
        PayloadAlgUnsupported => (400, "Payload references are SHA-256 fingerprints: alg is \"sha-256\"; no other algorithm is accepted."),
        ReferenceInvalid => (400, "amends and each of references name one entry, exactly {recordKey: \"0x\" and 64 lower-case hex characters, seq: a whole number from 0}."),
        LimitExceeded => (400, $"An entry carries at most {MaxItems} payload references and at most {MaxItems} references."),
        _ => throw new ArgumentOutOfRangeException(nameof(code), code, "Not a Records API code."),
    };

    /// <summary>The refusal with <paramref name="code"/>, its sentence as the message, and the problems found.</summary>
    public static Error Of(string code, params ErrorDetail[] details)
    {
        var (status, sentence) = Rule(code);
        return new Error(status, code, sentence) { Details = details };
    }

    /// <summary>Every code, for the documentation check.</summary>
    public static IReadOnlyList<string> All { get; } = [GenesisMismatch, Closed, AmendsMismatch, EntryNotFound, PayloadInvalid, PayloadAlgUnsupported, ReferenceInvalid, LimitExceeded];
}
