using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using PacSpace.Hosting.Errors;

namespace PacSpace.Hosting.Web;

/// <summary>A request body read by <see cref="JsonBody.ReadBytesAsync"/>, in a pooled buffer that <see cref="Dispose"/> gives back.</summary>
public readonly struct JsonBodyBytes : IDisposable
{
    private readonly byte[] _buffer;
    private readonly int _start;
    private readonly int _end;

    internal JsonBodyBytes(byte[] buffer, int start, int end)
    {
        _buffer = buffer;
        _start = start;
        _end = end;
    }

    public ReadOnlySpan<byte> Span => _buffer.AsSpan(_start, _end - _start);

    public void Dispose() => JsonBody.Return(_buffer, _end);
}

/// <summary>
/// Walks a JSON body token by token and refuses exactly what <see cref="JsonBody.ReadAsync"/> refuses, with the same
/// error, without building a document: for the routes that take many small bodies, where a document, its clone and a
/// second walk over it for the text check cost more than the work the body asks for.
/// </summary>
/// <remarks>
/// <para>
/// The caller reads with <see cref="Read"/>, picks the values it wants, then asks <see cref="Finish"/> whether the body
/// stands. The refusals rank as <see cref="JsonBody.ReadAsync"/> meets them: malformed JSON anywhere; then a name sent
/// twice in one object or a name escaping a lone surrogate, in the order the document's duplicate check visits objects
/// (innermost first, as their ends come); then a root that is not an object; then the first string or name, in document
/// order, that is not text. So everything is read before anything is judged, and values picked along the way count only
/// when <see cref="Finish"/> returns null.
/// </para>
/// <para>Dispose it: it borrows scratch space kept per thread.</para>
/// </remarks>
public ref struct JsonBodyReader
{
    private readonly ReadOnlySpan<byte> _json;
    private readonly Walk _walk;
    private Utf8JsonReader _reader;
    private bool _done;

    public JsonBodyReader(ReadOnlySpan<byte> json)
    {
        _json = json;
        _reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = JsonBody.MaxDepth });
        _walk = Walk.Rent();
    }

    public JsonTokenType TokenType => _reader.TokenType;

    /// <summary>The depth of the current token: 0 for the root object, 1 for its property names and their values.</summary>
    public int CurrentDepth => _reader.CurrentDepth;

    /// <summary>The raw bytes of the current token: a number's text; a string's content between the quotes, escapes as sent.</summary>
    public ReadOnlySpan<byte> ValueSpan => _reader.ValueSpan;

    /// <summary>Where the current token starts in the body (a string's opening quote).</summary>
    public int TokenStartIndex => (int)_reader.TokenStartIndex;

    /// <summary>Where the current token ends in the body (after a string's closing quote, after an object's brace).</summary>
    public int BytesConsumed => (int)_reader.BytesConsumed;

    /// <summary>
    /// Whether the body is already sure to be refused. Values picked so far are then not worth checking, and may be
    /// incomplete or unreadable.
    /// </summary>
    public readonly bool Refused => _walk.Syntax is not null || _walk.NameProblem != Problem.None || _walk.UnreadablePath is not null;

    /// <summary>Moves to the next token; false at the end of the body or at malformed JSON.</summary>
    public bool Read()
    {
        if (_done)
        {
            return false;
        }

        try
        {
            if (!_reader.Read())
            {
                _done = true;
                return false;
            }
        }
        catch (JsonException ex)
        {
            _walk.Syntax = ex;
            _done = true;
            return false;
        }

        _walk.Observe(ref _reader, _json);
        return true;
    }

    /// <summary>At the start of an object or array, reads to its end (every token inside is still checked); else nothing.</summary>
    public void Skip()
    {
        if (_reader.TokenType is not (JsonTokenType.StartObject or JsonTokenType.StartArray))
        {
            return;
        }

        var depth = _reader.CurrentDepth;
        while (Read() && _reader.CurrentDepth > depth)
        {
        }
    }

    /// <summary>Whether the current property name, unescaped, is <paramref name="utf8Name"/>.</summary>
    public readonly bool NameIs(ReadOnlySpan<byte> utf8Name) => _walk.CurrentNameIs(utf8Name, _json);

    /// <summary>The current string value, or null when it is not text (the body is refused then).</summary>
    public string? GetString()
    {
        if (!_walk.StringReadable)
        {
            return null;
        }

        return _reader.ValueIsEscaped ? new string(_walk.Chars, 0, _walk.CharCount) : Encoding.UTF8.GetString(_reader.ValueSpan);
    }

    /// <summary>Reads what is left and answers what <see cref="JsonBody.ReadAsync"/> would refuse this body with, or null.</summary>
    public Error? Finish()
    {
        while (Read())
        {
        }

        if (_walk.Syntax is { } syntax)
        {
            return JsonBody.NotJson(syntax);
        }

        switch (_walk.NameProblem)
        {
            case Problem.Duplicate:
                return JsonBody.Duplicate(_walk.DuplicateField!);
            case Problem.LoneSurrogate:
                // The document's duplicate check fails to decode the name and throws; ReadAsync names the whole body.
                return JsonBody.NotText("body");
        }

        if (_walk.Root != JsonTokenType.StartObject)
        {
            return JsonBody.NotAnObject();
        }

        return _walk.UnreadablePath is { } path ? JsonBody.NotText(path) : null;
    }

    public void Dispose() => Walk.Return(_walk);

    private enum Problem : byte
    {
        None,
        Duplicate,
        LoneSurrogate,
    }

    /// <summary>One open object or array.</summary>
    private struct Level
    {
        public bool IsArray;

        /// <summary>In an array, the index of the current item.</summary>
        public int Index;

        /// <summary>In an object, where its names start in <see cref="Walk.Names"/> and in <see cref="Walk.Scratch"/>.</summary>
        public int FirstName;
        public int ScratchStart;

        /// <summary>In an object, the current property's name (an index in <see cref="Walk.Names"/>).</summary>
        public int CurrentName;

        /// <summary>The first problem among this object's names, reported when the object ends.</summary>
        public Problem Problem;
        public string? DuplicateField;

        /// <summary>For an object with many names, the names seen so far.</summary>
        public HashSet<byte[]>? Seen;
    }

    /// <summary>An unescaped property name: in the body itself, or in <see cref="Walk.Scratch"/> when it held escapes.</summary>
    private struct Name
    {
        public int Start;
        public int Length;
        public bool InScratch;

        /// <summary>Its escapes do not decode (a lone surrogate); it has no bytes.</summary>
        public bool Undecodable;
    }

    /// <summary>What is tracked while walking; one per thread, reused, so that a body costs no allocation for it.</summary>
    private sealed class Walk
    {
        // Beyond this many names an object's duplicates are looked up in a set rather than by comparing with each.
        private const int LinearNames = 16;

        // Names are shown as System.Text.Json shows them in its duplicate-property message (which ReadAsync quotes).
        private const int ShownNameLength = 15;

        private const int KeptScratch = 16 * 1024;

        [ThreadStatic]
        private static Walk? t_cached;

        public Level[] Levels = new Level[8];
        public int Depth;
        public Name[] Names = new Name[16];
        public int NameCount;
        public byte[] Scratch = new byte[256];
        public int ScratchLength;
        public char[] Chars = new char[256];
        public int CharCount;

        public JsonTokenType Root;
        public JsonException? Syntax;
        public Problem NameProblem;
        public string? DuplicateField;
        public string? UnreadablePath;
        public bool StringReadable;

        public static Walk Rent()
        {
            var walk = t_cached ?? new Walk();
            t_cached = null;
            return walk;
        }

        public static void Return(Walk walk)
        {
            Array.Clear(walk.Levels);
            walk.Depth = 0;
            walk.NameCount = 0;
            walk.ScratchLength = 0;
            walk.CharCount = 0;
            walk.Root = JsonTokenType.None;
            walk.Syntax = null;
            walk.NameProblem = Problem.None;
            walk.DuplicateField = null;
            walk.UnreadablePath = null;
            walk.StringReadable = false;
            if (walk.Scratch.Length > KeptScratch)
            {
                walk.Scratch = new byte[256];
            }

            if (walk.Chars.Length > KeptScratch)
            {
                walk.Chars = new char[256];
            }

            t_cached = walk;
        }

        public void Observe(ref Utf8JsonReader reader, ReadOnlySpan<byte> json)
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject:
                    BeginValue(reader.TokenType);
                    Open(isArray: false);
                    break;
                case JsonTokenType.StartArray:
                    BeginValue(reader.TokenType);
                    Open(isArray: true);
                    break;
                case JsonTokenType.EndObject:
                    CloseObject();
                    break;
                case JsonTokenType.EndArray:
                    Depth--;
                    break;
                case JsonTokenType.PropertyName:
                    PropertyName(ref reader, json);
                    break;
                case JsonTokenType.String:
                    BeginValue(reader.TokenType);
                    StringValue(ref reader, json);
                    break;
                default:
                    BeginValue(reader.TokenType);
                    break;
            }
        }

        public bool CurrentNameIs(ReadOnlySpan<byte> utf8Name, ReadOnlySpan<byte> json)
        {
            var name = Names[Levels[Depth - 1].CurrentName];
            return !name.Undecodable && Bytes(name, json).SequenceEqual(utf8Name);
        }

        private void BeginValue(JsonTokenType type)
        {
            if (Depth == 0)
            {
                Root = type;
            }
            else if (Levels[Depth - 1].IsArray)
            {
                Levels[Depth - 1].Index++;
            }
        }

        private void Open(bool isArray)
        {
            if (Depth == Levels.Length)
            {
                Array.Resize(ref Levels, Levels.Length * 2);
            }

            Levels[Depth++] = new Level
            {
                IsArray = isArray,
                Index = -1,
                FirstName = NameCount,
                ScratchStart = ScratchLength,
                CurrentName = -1,
            };
        }

        private void CloseObject()
        {
            ref var level = ref Levels[Depth - 1];

            // The document checks an object's names once everything inside it is checked: the first object to end with a
            // problem is the one it reports.
            if (level.Problem != Problem.None && NameProblem == Problem.None)
            {
                NameProblem = level.Problem;
                DuplicateField = level.DuplicateField;
            }

            NameCount = level.FirstName;
            ScratchLength = level.ScratchStart;
            level = default;
            Depth--;
        }

        private void PropertyName(ref Utf8JsonReader reader, ReadOnlySpan<byte> json)
        {
            ref var level = ref Levels[Depth - 1];
            var raw = reader.ValueSpan;
            Name name;
            if (!reader.ValueIsEscaped)
            {
                name = new Name { Start = (int)reader.TokenStartIndex + 1, Length = raw.Length };
            }
            else
            {
                if (ScratchLength + raw.Length > Scratch.Length)
                {
                    Array.Resize(ref Scratch, Math.Max(Scratch.Length * 2, ScratchLength + raw.Length));
                }

                name = JsonEscapes.TryUnescape(raw, Scratch.AsSpan(ScratchLength), out var written)
                    ? new Name { Start = ScratchLength, Length = written, InScratch = true }
                    : new Name { Undecodable = true };
                ScratchLength += name.Length;
            }

            if (NameCount == Names.Length)
            {
                Array.Resize(ref Names, Names.Length * 2);
            }

            var previous = NameCount - level.FirstName;
            Names[NameCount] = name;
            level.CurrentName = NameCount++;
            if (name.Undecodable)
            {
                if (level.Problem == Problem.None)
                {
                    level.Problem = Problem.LoneSurrogate;
                }

                return;
            }

            var bytes = Bytes(name, json);
            if (level.Problem == Problem.None && SeenBefore(ref level, previous, bytes, json))
            {
                level.Problem = Problem.Duplicate;
                level.DuplicateField = Shown(bytes);
            }

            if (UnreadablePath is null && !Utf8.IsValid(bytes))
            {
                // A name that is not text is reported at the object holding it.
                UnreadablePath = Path(Depth - 1, json);
            }
        }

        private bool SeenBefore(ref Level level, int previous, ReadOnlySpan<byte> bytes, ReadOnlySpan<byte> json)
        {
            if (level.Seen is null && previous < LinearNames)
            {
                for (var i = level.FirstName; i < level.FirstName + previous; i++)
                {
                    if (Bytes(Names[i], json).SequenceEqual(bytes))
                    {
                        return true;
                    }
                }

                return false;
            }

            if (level.Seen is null)
            {
                level.Seen = new HashSet<byte[]>(ByteComparer.Instance);
                for (var i = level.FirstName; i < level.FirstName + previous; i++)
                {
                    level.Seen.Add(Bytes(Names[i], json).ToArray());
                }
            }

            return !level.Seen.Add(bytes.ToArray());
        }

        private void StringValue(ref Utf8JsonReader reader, ReadOnlySpan<byte> json)
        {
            if (!reader.ValueIsEscaped)
            {
                StringReadable = Utf8.IsValid(reader.ValueSpan);
            }
            else
            {
                if (Chars.Length < reader.ValueSpan.Length)
                {
                    Chars = new char[Math.Max(Chars.Length * 2, reader.ValueSpan.Length)];
                }

                try
                {
                    // Decodes as JsonElement.GetString would: stray bytes and lone surrogates fail.
                    CharCount = reader.CopyString(Chars);
                    StringReadable = true;
                }
                catch (InvalidOperationException)
                {
                    StringReadable = false;
                }
            }

            if (!StringReadable && UnreadablePath is null)
            {
                UnreadablePath = Path(Depth, json);
            }
        }

        private ReadOnlySpan<byte> Bytes(Name name, ReadOnlySpan<byte> json) =>
            name.InScratch ? Scratch.AsSpan(name.Start, name.Length) : json.Slice(name.Start, name.Length);

        // As JsonBody's text check spells a path: metadata.note, deltas[2].reason; "body" for the root object itself.
        private string Path(int levels, ReadOnlySpan<byte> json)
        {
            var path = new StringBuilder();
            for (var i = 0; i < levels; i++)
            {
                var part = Levels[i].IsArray
                    ? string.Create(CultureInfo.InvariantCulture, $"[{Levels[i].Index}]")
                    : Encoding.UTF8.GetString(Bytes(Names[Levels[i].CurrentName], json));
                if (i > 0 && !part.StartsWith('['))
                {
                    path.Append('.');
                }

                path.Append(part);
            }

            return path.Length == 0 ? "body" : path.ToString();
        }

        // System.Text.Json's message shows a duplicate name decoded (stray bytes as U+FFFD) and cut to 15 characters
        // with "..."; ReadAsync takes the name up to the quote that closes it in that message.
        private static string Shown(ReadOnlySpan<byte> name)
        {
            var text = Encoding.UTF8.GetString(name);
            if (text.Length > ShownNameLength)
            {
                text = string.Concat(text.AsSpan(0, ShownNameLength), "...");
            }

            var quote = text.IndexOf('\'', StringComparison.Ordinal);
            return quote < 0 ? text : text[..quote];
        }
    }

    private sealed class ByteComparer : IEqualityComparer<byte[]>
    {
        public static readonly ByteComparer Instance = new();

        public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);

        public int GetHashCode(byte[] obj)
        {
            var hash = new HashCode();
            hash.AddBytes(obj);
            return hash.ToHashCode();
        }
    }
}

/// <summary>JSON string escapes, decoded as System.Text.Json decodes property names when it compares them.</summary>
internal static class JsonEscapes
{
    /// <summary>
    /// Decodes the escapes of <paramref name="source"/> (already checked by the reader to be well formed) into UTF-8,
    /// copying other bytes as they are, valid UTF-8 or not. False when an escape is a lone or reversed surrogate.
    /// </summary>
    public static bool TryUnescape(ReadOnlySpan<byte> source, Span<byte> destination, out int written)
    {
        written = 0;
        var i = 0;
        while (i < source.Length)
        {
            var backslash = source[i..].IndexOf((byte)'\\');
            if (backslash < 0)
            {
                source[i..].CopyTo(destination[written..]);
                written += source.Length - i;
                return true;
            }

            source.Slice(i, backslash).CopyTo(destination[written..]);
            written += backslash;
            i += backslash;
            var escaped = source[i + 1];
            i += 2;
            if (escaped != (byte)'u')
            {
                destination[written++] = escaped switch
                {
                    (byte)'b' => (byte)'\b',
                    (byte)'f' => (byte)'\f',
                    (byte)'n' => (byte)'\n',
                    (byte)'r' => (byte)'\r',
                    (byte)'t' => (byte)'\t',
                    _ => escaped, // \" \\ \/
                };
                continue;
            }

            var scalar = Hex(source.Slice(i, 4));
            i += 4;
            if (scalar is >= 0xD800 and <= 0xDFFF)
            {
                if (scalar >= 0xDC00 || i + 6 > source.Length || source[i] != (byte)'\\' || source[i + 1] != (byte)'u')
                {
                    return false;
                }

                var low = Hex(source.Slice(i + 2, 4));
                if (low is < 0xDC00 or > 0xDFFF)
                {
                    return false;
                }

                i += 6;
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00);
            }

            written += new Rune(scalar).EncodeToUtf8(destination[written..]);
        }

        return true;
    }

    private static int Hex(ReadOnlySpan<byte> digits)
    {
        var value = 0;
        foreach (var d in digits)
        {
            value = (value << 4) | (d <= '9' ? d - '0' : (d | 0x20) - 'a' + 10);
        }

        return value;
    }
}
