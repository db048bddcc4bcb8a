using System.Buffers;
using System.Globalization;

namespace PacSpace.Hosting.Web;

/// <summary>Which characters a text field may hold, beyond being valid text.</summary>
public enum TextRule
{
    /// <summary>Anything (passwords, free-form secrets).</summary>
    Any,

    /// <summary>
    /// One line: no control characters (C0, DEL, C1), no line or paragraph separators, no bidirectional formatting
    /// characters, which could make an identifier or a name display as something it is not.
    /// </summary>
    Line,

    /// <summary>Like <see cref="Line"/>, but tab and line feed are allowed (a reason written over several lines).</summary>
    Prose,
}

internal static class TextRules
{
    // C0 controls, DEL, C1 controls; the Arabic letter mark, LRM/RLM, embeddings and overrides (U+202A–U+202E),
    // isolates (U+2066–U+2069); the line and paragraph separators.
    private const string Formatting = "\u061C\u200E\u200F\u202A\u202B\u202C\u202D\u202E\u2066\u2067\u2068\u2069\u2028\u2029\u007F";

    private static readonly SearchValues<char> LineForbidden = SearchValues.Create(Controls(includeTabAndNewline: true) + Formatting);
    private static readonly SearchValues<char> ProseForbidden = SearchValues.Create(Controls(includeTabAndNewline: false) + Formatting);

    /// <summary>The problem with <paramref name="text"/> under <paramref name="rule"/>, or null.</summary>
    public static string? Check(string text, TextRule rule)
    {
        if (rule == TextRule.Any)
        {
            return null;
        }

        var at = text.AsSpan().IndexOfAny(rule == TextRule.Prose ? ProseForbidden : LineForbidden);
        return at < 0
            ? null
            : string.Create(CultureInfo.InvariantCulture,
                $"must not contain control or bidirectional formatting characters{(rule == TextRule.Prose ? " (tab and line feed are allowed)" : "")}; found U+{(int)text[at]:X4} at position {at}");
    }

    private static string Controls(bool includeTabAndNewline) =>
        new([.. Enumerable.Range(0, 0x20).Concat(Enumerable.Range(0x80, 0x20))
            .Where(c => includeTabAndNewline || (c != '\t' && c != '\n'))
            .Select(c => (char)c)]);
}
