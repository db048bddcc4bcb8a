using System.CommandLine;
using PacSpace.Ledger;
using Spectre.Console;

namespace PacSpace.Cli;

/// <summary>
/// <c>pacspace verify</c>: checks a delta (<c>--delta</c>) or a record's entry (<c>--record</c>) against its receipt and the
/// log's public key, offline, printing each step. Exit code 0 when every step holds, 1 when one fails, 2 when an input cannot
/// be read (or neither or both of <c>--delta</c> and <c>--record</c> are given).
/// </summary>
internal static class VerifyCommand
{
    public static Command Create()
    {
        var delta = new Option<FileInfo>("--delta") { Description = "The delta as JSON {v, tenant, env, customerId, amount, reason, referenceId, metadata} (content version 2 adds adjusts), or the saved answer of GET /api/v1/balance/delta/{recordId}." };
        var record = new Option<FileInfo>("--record") { Description = "Instead of --delta, a record's entry as JSON {v, tenant, env, recordType, entityId, seq, lifecycle, content}, or the saved answer of GET /api/v1/records/{recordType}/{entityId}/receipts/{seq} (its sealedRecord)." };
        var receipt = new Option<FileInfo>("--receipt") { Description = "The receipt saved from GET /api/v1/verify/receipt/{receiptId} or, for a record's entry, from GET /api/v1/records/{recordType}/{entityId}/receipts/{seq} (enveloped or not).", Required = true };
        var key = new Option<string>("--public-key") { Description = "The log's public key: base64 of the 32-byte Ed25519 key, or its verifier key (origin+hash+base64).", Required = true };
        var command = new Command("verify", "Verify a delta, or a record's entry, and its receipt offline against the log's public key.") { delta, record, receipt, key };
        command.SetAction(parse =>
        {
            var console = CliConsole.Create(parse, 1000);
            console.Profile.Width = 1000; // hashes must stay on one line, to be copied and compared
            var (deltaFile, recordFile) = (parse.GetValue(delta), parse.GetValue(record));
            if ((deltaFile is null) == (recordFile is null))
            {
                console.MarkupLine("[red]Cannot read the input:[/] give either --delta (a delta) or --record (a record's entry), not both.");
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
            var number = 1;
            foreach (var step in steps)
            {
                console.MarkupLine($"{number++}. {Markup.Escape(step.Name)}: {(step.Passed ? "[green]ok[/]" : "[red]FAILED[/]")}  {Markup.Escape(step.Detail)}");
            }

            var passed = ReceiptVerifier.Passed(steps);
            console.MarkupLine(passed
                ? $"[green]Verified:[/] this {(deltaFile is not null ? "delta" : "record entry")} is recorded, unaltered, in the signed log."
                : "[red]Not verified.[/]");
            return passed ? 0 : 1;
        });
        return command;
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

    private static byte[] ReadKey(string text)
    {
        if (SignedNote.TryParseVerifierKey(text, out _, out var fromVkey))
        {
            return fromVkey!;
        }

        var raw = Convert.FromBase64String(text.Trim());
        return raw.Length == LogSigningKey.PublicKeySize ? raw : throw new FormatException($"The public key must be 32 bytes; this one is {raw.Length}.");
    }
}
