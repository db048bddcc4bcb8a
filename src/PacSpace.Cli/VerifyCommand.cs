using System.CommandLine;
using PacSpace.Ledger;
using Spectre.Console;

namespace PacSpace.Cli;

/// <summary>
/// <c>pacspace verify</c>: checks a delta against its receipt and the log's public key, offline, printing each
/// step. Exit code 0 when every step holds, 1 when one fails, 2 when an input cannot be read.
/// </summary>
internal static class VerifyCommand
{
    public static Command Create()
    {
        var delta = new Option<FileInfo>("--delta") { Description = "The delta as JSON {v, tenant, env, customerId, amount, reason, referenceId, metadata} (content version 2 adds adjusts), or the saved answer of GET /api/v1/balance/delta/{recordId}.", Required = true };
        var receipt = new Option<FileInfo>("--receipt") { Description = "The receipt saved from GET /api/v1/verify/receipt/{receiptId} (enveloped or not).", Required = true };
        var key = new Option<string>("--public-key") { Description = "The log's public key: base64 of the 32-byte Ed25519 key, or its verifier key (origin+hash+base64).", Required = true };
        var command = new Command("verify", "Verify a delta and its receipt offline against the log's public key.") { delta, receipt, key };
        command.SetAction(parse =>
        {
            var console = CliConsole.Create(parse, 1000);
            console.Profile.Width = 1000; // hashes must stay on one line, to be copied and compared
            byte[] deltaJson;
            Receipt parsed;
            byte[] publicKey;
            try
            {
                deltaJson = Unwrap(File.ReadAllBytes(parse.GetValue(delta)!.FullName));
                parsed = Receipt.Parse(File.ReadAllBytes(parse.GetValue(receipt)!.FullName));
                publicKey = ReadKey(parse.GetValue(key)!);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
            {
                console.MarkupLineInterpolated($"[red]Cannot read the input:[/] {ex.Message}");
                return 2;
            }

            var steps = ReceiptVerifier.Verify(deltaJson, parsed, publicKey);
            var number = 1;
            foreach (var step in steps)
            {
                console.MarkupLine($"{number++}. {Markup.Escape(step.Name)}: {(step.Passed ? "[green]ok[/]" : "[red]FAILED[/]")}  {Markup.Escape(step.Detail)}");
            }

            var passed = ReceiptVerifier.Passed(steps);
            console.MarkupLine(passed
                ? "[green]Verified:[/] this delta is recorded, unaltered, in the signed log."
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
