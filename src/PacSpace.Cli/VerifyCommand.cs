using System.CommandLine;
using PacSpace.Ledger;
using Spectre.Console;

namespace PacSpace.Cli;

/// <summary>
/// <c>pacspace verify</c>: checks a delta (<c>--delta</c>) or a record's entry (<c>--record</c>) against its receipt, or a period
/// checkpoint (<c>--checkpoint</c>), against the log's public key, offline, printing each step. Exit code 0 when every step
/// holds, 1 when one fails, 2 when an input cannot be read (or not exactly one of <c>--delta</c>, <c>--record</c> and
/// <c>--checkpoint</c> is given, or a receipt is missing).
/// </summary>
internal static class VerifyCommand
{
    public static Command Create()
    {
        var delta = new Option<FileInfo>("--delta") { Description = "The delta as JSON {v, tenant, env, customerId, amount, reason, referenceId, metadata} (content version 2 adds adjusts), or the saved answer of GET /api/v1/balance/delta/{recordId}." };
        var record = new Option<FileInfo>("--record") { Description = "Instead of --delta, a record's entry as JSON {v, tenant, env, recordType, entityId, seq, lifecycle, content}, or the saved answer of GET /api/v1/records/{recordType}/{entityId}/receipts/{seq} (its sealedRecord)." };
        var checkpoint = new Option<FileInfo>("--checkpoint") { Description = "Instead of --delta or --record, a period checkpoint: the saved answer of GET /api/v1/verify/{proofRoot} (enveloped or not); no --receipt." };
        var proofRoot = new Option<string>("--proof-root") { Description = "With --checkpoint: the proof root you hold (e.g. printed on the invoice); the file's own when not given." };
        var receipt = new Option<FileInfo>("--receipt") { Description = "The receipt saved from GET /api/v1/verify/receipt/{receiptId} or, for a record's entry, from GET /api/v1/records/{recordType}/{entityId}/receipts/{seq} (enveloped or not). Required with --delta and --record." };
        var key = new Option<string>("--public-key") { Description = "The log's public key: base64 of the 32-byte Ed25519 key, or its verifier key (origin+hash+base64).", Required = true };
        var command = new Command("verify", "Verify a delta or a record's entry with its receipt, or a period checkpoint, offline against the log's public key.")
        {
            delta, record, checkpoint, proofRoot, receipt, key,
        };
        command.SetAction(parse =>
        {
            var console = CliConsole.Create(parse, 1000);
            console.Profile.Width = 1000; // hashes must stay on one line, to be copied and compared
            var (deltaFile, recordFile, checkpointFile) = (parse.GetValue(delta), parse.GetValue(record), parse.GetValue(checkpoint));
            if (new[] { deltaFile, recordFile, checkpointFile }.Count(f => f is not null) != 1)
            {
                console.MarkupLine("[red]Cannot read the input:[/] give one of --delta (a delta), --record (a record's entry) or --checkpoint (a period checkpoint).");
                return 2;
            }

            if (checkpointFile is not null)
            {
                return VerifyPeriod(console, checkpointFile, parse.GetValue(key)!, parse.GetValue(proofRoot));
            }

            if (parse.GetValue(receipt) is null)
            {
                console.MarkupLine("[red]Cannot read the input:[/] --delta and --record need the --receipt to check against.");
                return 2;
            }

            byte[] deltaJson;
            Receipt parsed;
            byte[] publicKey;
            try
            {
                deltaJson = deltaFile is not null ? Unwrap(File.ReadAllBytes(deltaFile.FullName)) : UnwrapRecord(File.ReadAllBytes(recordFile!.FullName));
                parsed = Receipt.Parse(File.ReadAllBytes(parse.GetValue(receipt)!.FullName));
                publicKey = ReadKey(parse.GetValue(key)!);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
            {
                console.MarkupLineInterpolated($"[red]Cannot read the input:[/] {ex.Message}");
                return 2;
            }

            var steps = deltaFile is not null ? ReceiptVerifier.Verify(deltaJson, parsed, publicKey) : ReceiptVerifier.VerifyRecord(deltaJson, parsed, publicKey);
            Print(console, steps);

            var passed = ReceiptVerifier.Passed(steps);
            console.MarkupLine(passed
                ? $"[green]Verified:[/] this {(deltaFile is not null ? "delta" : "record entry")} is recorded, unaltered, in the signed log."
                : "[red]Not verified.[/]");
            return passed ? 0 : 1;
        });
        return command;
    }

    /// <summary>The steps of the verification page's script, offline: signed head, proof root, statement signature, statement, consistency.</summary>
    private static int VerifyPeriod(IAnsiConsole console, FileInfo file, string keyText, string? proofRoot)
    {
        PeriodProof proof;
        byte[] publicKey;
        string? keyName;
        try
        {
            proof = PeriodProof.Parse(File.ReadAllBytes(file.FullName));
            (publicKey, keyName) = ReadKeyAndName(keyText);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            console.MarkupLineInterpolated($"[red]Cannot read the input:[/] {ex.Message}");
            return 2;
        }

        var steps = PeriodVerifier.Verify(proof, publicKey, keyName, proofRoot);
        Print(console, steps);
        var passed = PeriodVerifier.Passed(steps);
        console.MarkupLine(passed
            ? "[green]Verified:[/] this period statement is signed by the log's key and its log extends the previous checkpoint."
            : "[red]Not verified.[/]");
        return passed ? 0 : 1;
    }

    private static void Print(IAnsiConsole console, IReadOnlyList<VerificationStep> steps)
    {
        var number = 1;
        foreach (var step in steps)
        {
            console.MarkupLine($"{number++}. {Markup.Escape(step.Name)}: {(step.Passed ? "[green]ok[/]" : "[red]FAILED[/]")}  {Markup.Escape(step.Detail)}");
        }
    }

    /// <summary>Accepts the delta itself, or the saved answer of <c>GET /api/v1/balance/delta/{id}</c> (its <c>content</c>).</summary>
    private static byte[] Unwrap(byte[] json)
    {
        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind == System.Text.Json.JsonValueKind.Object && root.TryGetProperty("data", out var data))
            {
                root = data;
            }

            return root.ValueKind == System.Text.Json.JsonValueKind.Object && root.TryGetProperty("content", out var content)
                ? System.Text.Encoding.UTF8.GetBytes(content.GetRawText())
                : json;
        }
        catch (System.Text.Json.JsonException ex)
        {
            throw new FormatException("The delta file is not JSON: " + ex.Message, ex);
        }
    }

    /// <summary>Accepts the record's entry itself, or a saved receipt of it (its <c>sealedRecord</c>), enveloped or not.</summary>
    private static byte[] UnwrapRecord(byte[] json)
    {
        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind == System.Text.Json.JsonValueKind.Object && root.TryGetProperty("data", out var data))
            {
                root = data;
            }

            return root.ValueKind == System.Text.Json.JsonValueKind.Object && root.TryGetProperty("sealedRecord", out var sealedRecord)
                ? System.Text.Encoding.UTF8.GetBytes(sealedRecord.GetRawText())
                : json;
        }
        catch (System.Text.Json.JsonException ex)
        {
            throw new FormatException("The record file is not JSON: " + ex.Message, ex);
        }
    }

    private static byte[] ReadKey(string text) => ReadKeyAndName(text).Key;

    /// <summary>The key, and its name when given as a verifier key (a bare key signs under the log's origin).</summary>
    private static (byte[] Key, string? Name) ReadKeyAndName(string text)
    {
        if (SignedNote.TryParseVerifierKey(text, out var name, out var fromVkey))
        {
            return (fromVkey!, name);
        }

        var raw = Convert.FromBase64String(text.Trim());
        return raw.Length == LogSigningKey.PublicKeySize ? (raw, null) : throw new FormatException($"The public key must be 32 bytes; this one is {raw.Length}.");
    }
}
