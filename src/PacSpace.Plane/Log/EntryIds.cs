using System.Buffers.Binary;
using System.Data.Common;
using System.Security.Cryptography;
using Dapper;
using Microsoft.Extensions.Hosting;
using PacSpace.Hosting.Data;
using PacSpace.Hosting.Secrets;

namespace PacSpace.Plane.Log;

/// <summary>
/// Record and receipt ids of the deltas of this plane, without storing or indexing them: an id is the delta's place in
/// its log, <c>(ledger_no, log_index)</c>, with a kind byte and 40 zero bits, encrypted as one AES-256 block under a
/// key kept (sealed) in this plane's database. Decrypting an id gives the place back, so a lookup is one primary-key
/// seek. The ids look like any other (128 bits, <c>rec_…</c> / <c>rcp_…</c>) and reveal nothing: AES is a
/// pseudorandom permutation, so without the key an id tells neither the tenant nor the position, and a made-up id
/// names a delta only with the chance of guessing a random 128-bit one. A receipt id cannot be derived from a record id.
/// Ids handed out before this scheme are in <c>legacy_ids</c> and are resolved there.
/// </summary>
internal sealed class EntryIds : IHostedService
{
    private const byte RecordKind = (byte)'d';
    private const byte ReceiptKind = (byte)'r';
    private const byte VerifiedEventKind = (byte)'v';
    private const byte EntryReceiptKind = (byte)'e';
    private const byte CommittedEventKind = (byte)'c';
    private const long MaxLedger = uint.MaxValue;
    private const long MaxIndex = (1L << 48) - 1;

    private readonly Database _db;
    private readonly AtRestEncryption _secrets;
    private ThreadLocal<Cipher>? _ciphers;

    public EntryIds(Database db, AtRestEncryption secrets)
    {
        _db = db;
        _secrets = secrets;
    }

    /// <summary>For tests and tools: a codec over a known key.</summary>
    public static EntryIds ForKey(byte[] key)
    {
        var ids = new EntryIds(null!, null!);
        ids.Use(key);
        return ids;
    }

    public string RecordId(long ledgerNo, long logIndex) => Encrypt("rec", RecordKind, ledgerNo, logIndex);

    /// <summary>Length of a record or receipt id.</summary>
    public static readonly int IdLength = Ids.Length("rec");

    /// <summary><see cref="RecordId"/> written into <paramref name="chars"/> (<see cref="IdLength"/> long), without a string.</summary>
    public void RecordIdInto(long ledgerNo, long logIndex, Span<char> chars) => EncryptInto("rec", RecordKind, ledgerNo, logIndex, chars);

    /// <summary><see cref="ReceiptId"/> written into <paramref name="chars"/> (<see cref="IdLength"/> long), without a string.</summary>
    public void ReceiptIdInto(long ledgerNo, long logIndex, Span<char> chars) => EncryptInto("rcp", ReceiptKind, ledgerNo, logIndex, chars);

    public string ReceiptId(long ledgerNo, long logIndex) => Encrypt("rcp", ReceiptKind, ledgerNo, logIndex);

    /// <summary>
    /// The id of the <c>delta.verified</c> event of the delta at this place (<c>evt_…</c>): the same for every endpoint and
    /// every attempt, derived like the record id but with its own kind, so it is not stored either.
    /// </summary>
    public string VerifiedEventId(long ledgerNo, long logIndex) => Encrypt("evt", VerifiedEventKind, ledgerNo, logIndex);

    /// <summary>The place a <c>delta.verified</c> event id names, or null when it is not one.</summary>
    public (long LedgerNo, long LogIndex)? PlaceOfVerifiedEvent(string? id) => Decrypt(id, "evt", VerifiedEventKind);

    /// <summary>
    /// The receipt id of a record's entry (Records API) at this place: <c>rcp_…</c> like a delta's, with its own kind, so a
    /// delta's receipt id never names a record entry and the other way round.
    /// </summary>
    public string EntryReceiptId(long ledgerNo, long logIndex) => Encrypt("rcp", EntryReceiptKind, ledgerNo, logIndex);

    /// <summary>The place a record entry's receipt id names, or null when it is not one.</summary>
    public (long LedgerNo, long LogIndex)? PlaceOfEntryReceipt(string? id) => Decrypt(id, "rcp", EntryReceiptKind);

    /// <summary>The id of the <c>record.committed</c> event of the record entry at this place (<c>evt_…</c>), not stored either.</summary>
    public string CommittedEventId(long ledgerNo, long logIndex) => Encrypt("evt", CommittedEventKind, ledgerNo, logIndex);

    /// <summary>The place a <c>record.committed</c> event id names, or null when it is not one.</summary>
    public (long LedgerNo, long LogIndex)? PlaceOfCommittedEvent(string? id) => Decrypt(id, "evt", CommittedEventKind);

    /// <summary>The place a record id names, or null when it is not one of this plane's (it may still be a legacy id).</summary>
    public (long LedgerNo, long LogIndex)? PlaceOfRecord(string? id) => Decrypt(id, "rec", RecordKind);

    /// <summary>The place a receipt id names, or null when it is not one of this plane's (it may still be a legacy id).</summary>
    public (long LedgerNo, long LogIndex)? PlaceOfReceipt(string? id) => Decrypt(id, "rcp", ReceiptKind);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _db.OpenAsync(cancellationToken);
        Use(await LoadKeyAsync(connection, cancellationToken));
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The key's row in <c>plane_secrets</c>, and what its sealing is bound to.</summary>
    public const string KeyName = "entry_ids";
    public const string Purpose = "plane_secrets/" + KeyName;

    /// <summary>The plane's id key: created once (the first replica to start wins), re-sealed when the KEK has changed.</summary>
    private async Task<byte[]> LoadKeyAsync(DbConnection connection, CancellationToken ct)
    {
        var fresh = RandomNumberGenerator.GetBytes(32);
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO plane_secrets (name, value) VALUES (@KeyName, @value) ON CONFLICT (name) DO NOTHING",
            new { KeyName, value = _secrets.Seal(Convert.ToBase64String(fresh), Purpose) }, cancellationToken: ct));
        var stored = await connection.QuerySingleAsync<string>(new CommandDefinition(
            "SELECT value FROM plane_secrets WHERE name = @KeyName", new { KeyName }, cancellationToken: ct));
        var key = Convert.FromBase64String(_secrets.Open(stored, Purpose));
        if (_secrets.NeedsSealing(stored))
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE plane_secrets SET value = @resealed WHERE name = @KeyName AND value = @stored",
                new { resealed = _secrets.Seal(Convert.ToBase64String(key), Purpose), KeyName, stored }, cancellationToken: ct));
        }

        return key;
    }

    private void Use(byte[] key)
    {
        if (key.Length != 32)
        {
            throw new InvalidOperationException("The entry id key must be 32 bytes.");
        }

        // One cipher per thread (the transforms are not safe for concurrent use), made once: Aes.EncryptEcb would set up a
        // new native cipher context on every call, and an id is made for every delta written and every receipt read.
        _ciphers = new ThreadLocal<Cipher>(() => new Cipher(key));
    }

    private Cipher Ciphers => (_ciphers ?? throw new InvalidOperationException("Entry ids are used before the plane has started.")).Value!;

    /// <summary>AES-256 on one block (ECB, no padding: one block is one permutation call), with its buffers.</summary>
    private sealed class Cipher
    {
        private readonly ICryptoTransform _encrypt;
        private readonly ICryptoTransform _decrypt;
        private readonly byte[] _in = new byte[16];
        private readonly byte[] _out = new byte[16];

        public Cipher(byte[] key)
        {
            using var aes = Aes.Create();
            aes.Key = key;
            aes.Mode = CipherMode.ECB;
            aes.Padding = PaddingMode.None;
            _encrypt = aes.CreateEncryptor();
            _decrypt = aes.CreateDecryptor();
        }

        public void Encrypt(ReadOnlySpan<byte> block, Span<byte> output) => Run(_encrypt, block, output);

        public void Decrypt(ReadOnlySpan<byte> block, Span<byte> output) => Run(_decrypt, block, output);

        private void Run(ICryptoTransform transform, ReadOnlySpan<byte> block, Span<byte> output)
        {
            block.CopyTo(_in);
            transform.TransformBlock(_in, 0, 16, _out, 0);
            _out.CopyTo(output);
        }
    }

    private string Encrypt(string prefix, byte kind, long ledgerNo, long logIndex)
    {
        Span<char> chars = stackalloc char[Ids.Length(prefix)];
        EncryptInto(prefix, kind, ledgerNo, logIndex, chars);
        return new string(chars);
    }

    private void EncryptInto(string prefix, byte kind, long ledgerNo, long logIndex, Span<char> chars)
    {
        if (ledgerNo is < 0 or > MaxLedger || logIndex is < 0 or > MaxIndex)
        {
            throw new ArgumentOutOfRangeException(nameof(logIndex), "Ledger number or log index out of range for an entry id.");
        }

        Span<byte> block = stackalloc byte[16];
        block.Clear();
        block[0] = kind;
        BinaryPrimitives.WriteUInt32BigEndian(block[1..], (uint)ledgerNo);
        BinaryPrimitives.WriteUInt64BigEndian(block[5..], (ulong)logIndex << 16);
        Span<byte> output = stackalloc byte[16];
        Ciphers.Encrypt(block, output);
        Ids.FormatInto(prefix, output, chars);
    }

    private (long, long)? Decrypt(string? id, string prefix, byte kind)
    {
        Span<byte> block = stackalloc byte[16];
        if (!Ids.TryDecode(id, prefix, block))
        {
            return null;
        }

        Span<byte> plain = stackalloc byte[16];
        Ciphers.Decrypt(block, plain);
        if (plain[0] != kind || plain[11..].IndexOfAnyExcept((byte)0) >= 0)
        {
            return null;
        }

        return (BinaryPrimitives.ReadUInt32BigEndian(plain[1..]), (long)(BinaryPrimitives.ReadUInt64BigEndian(plain[5..]) >> 16));
    }
}
