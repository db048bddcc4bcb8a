using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using Microsoft.Extensions.Options;
using PacSpace.Ledger;

namespace PacSpace.Plane.Features.Verify;

/// <summary>
/// The HTML of the public verification pages, from the answers of the public verify handlers. Every value is encoded
/// (<see cref="HtmlEncoder"/>); the proof the browser checks is embedded as inert JSON (<c>&lt;script type="application/json"&gt;</c>,
/// never executed, so the page's policy allows it) whose <c>&lt;</c> are escaped, so no value can close the element. Nothing
/// the server concluded (its own <c>verified</c>) goes into the page: the script decides.
/// </summary>
internal sealed class VerifyPageHtml(VerifyAssets assets, IOptions<PlaneOptions> options)
{
    private static readonly HtmlEncoder Html = HtmlEncoder.Create(UnicodeRanges.All);

    // The default encoder escapes <, >, &, ' and non-ASCII as \uXXXX: the data block can hold any value safely.
    private static readonly JsonSerializerOptions DataJson = new(JsonSerializerDefaults.Web) { Encoder = JavaScriptEncoder.Default };

    private readonly bool _sandbox = options.Value.Environment == PacSpaceEnvironment.Sandbox;

    private string EnvironmentName => _sandbox ? "Sandbox" : "Production";

    /// <summary>A period checkpoint's statement, signed head, key and consistency proof, checked by the script.</summary>
    public string Period(VerifyProofRoot.ProofRootView view, string baseUrl)
    {
        var s = view.PeriodStatement;
        var keyName = KeyName(view.VerifierKey) ?? view.Origin;
        var period = Str(s, "period") ?? view.Period;
        var b = new StringBuilder();
        b.Append("<h1>Period statement ").Append(E(period)).Append("</h1>\n");
        b.Append("<p class=\"lede\">A signed statement of a PacSpace ").Append(E(EnvironmentName)).Append(" log for the period ").Append(E(period))
            .Append(". Proof root <code>").Append(E(view.ProofRoot)).Append("</code>.</p>\n");

        CheckSection(b,
        [
            ("key", "The log's key", "the verifier key names the public key shown"),
            ("head", "Signed head", "the note at the end of the period carries a valid Ed25519 signature by that key"),
            ("root", "Proof root", "the signed root is the proof root in this page's address"),
            ("statement-signature", "Statement signature", "the period statement is signed by the log's key"),
            ("statement", "Statement", "the statement names this proof root, this log and the signed size"),
            ("consistency", "Consistency", "the log at the end of the period extends the log at its start (the previous checkpoint)"),
        ]);

        BalanceSection(b);

        b.Append("<section aria-labelledby=\"statement-heading\">\n<h2 id=\"statement-heading\">Period statement</h2>\n<dl class=\"facts\">\n");
        Fact(b, "Period", period, check: "statement:period");
        Fact(b, "Window", $"{Str(s, "startDate")} to {Str(s, "endDate")} (UTC; the end is not included)", check: "statement:window");
        Fact(b, "Closed at", Str(s, "closedAt"), check: "statement:closedAt");
        Fact(b, "Deltas", Num(s, "deltaCount"), check: "statement:deltaCount");
        Fact(b, "Net change", Str(s, "netChange"), check: "statement:netChange");
        Fact(b, "Customers", Num(s, "customerCount"), check: "statement:customerCount");
        Fact(b, "Log entries", $"{Num(s, "fromSize")} to {Num(s, "toSize")}", check: "statement:range");
        Fact(b, "Proof root", Str(s, "rootHash"), code: true, check: "statement:rootHash");
        Fact(b, "Previous root", Str(s, "prevRoot"), code: true, check: "statement:prevRoot");
        Fact(b, "Balances root", Str(s, "balancesRoot"), code: true, check: "statement:balancesRoot");
        Fact(b, "Signature", view.Signature, code: true, check: "statement:signature");
        b.Append("</dl>\n<p class=\"hint\">Totals over the account's whole log for the window; no customer and no delta is shown. ")
            .Append("Each customer proves its own closing balance against the balances root with the balance proof of its invoice.</p>\n</section>\n");

        HeadSection(b, view.Checkpoint);
        KeySection(b, view.Origin, keyName, view.PublicKey, view.VerifierKey);

        var c = view.ConsistencyFromPrevious;
        b.Append("<section aria-labelledby=\"consistency-heading\">\n<h2 id=\"consistency-heading\">Consistency proof</h2>\n<dl class=\"facts\">\n");
        Fact(b, "From size", c.FromSize.ToString(CultureInfo.InvariantCulture));
        Fact(b, "To size", c.ToSize.ToString(CultureInfo.InvariantCulture));
        Fact(b, "Previous root", c.PrevRoot, code: true);
        b.Append("</dl>\n");
        Hashes(b, c.Proof, c.FromSize == 0
            ? "None needed: the window starts with the log."
            : "None needed: the log did not grow in the window.");
        b.Append("</section>\n");

        var vkey = Shell(view.VerifierKey);
        Offline(b,
            "Save the proof and check it with the <code>pacspace</code> command against the log's key you trust:",
            $"curl -s {Shell($"{baseUrl}/api/v1/verify/{view.ProofRoot}")} > checkpoint.json\npacspace verify --checkpoint checkpoint.json --public-key {vkey}");

        Data(b, new PeriodData("period", view.ProofRoot, view.Origin, keyName, view.PublicKey, view.VerifierKey, view.Checkpoint,
            view.PeriodStatement, view.Signature, new ConsistencyData(c.FromSize, c.ToSize, c.PrevRoot, c.Proof)));
        return Page($"Period statement {period}", b, "/api/v1/verify/" + view.ProofRoot);
    }

    /// <summary>A receipt: the entry, its inclusion proof and the signed head; only "not yet" while no head covers it.</summary>
    public string Receipt(VerifyReceipt.ReceiptView view, string baseUrl)
    {
        var b = new StringBuilder();
        b.Append("<h1>Receipt <code>").Append(E(view.ReceiptId)).Append("</code></h1>\n");
        if (!view.Verified || view.Entry is null || view.Checkpoint is null || view.InclusionProof is null || view.Index is not { } index
            || view.TreeSize is not { } treeSize || view.Origin is null || view.PublicKey is null || view.VerifierKey is null)
        {
            b.Append("<div id=\"verify-status\" class=\"result\" role=\"status\" data-testid=\"not-yet\"><strong>Not yet in a signed head</strong>")
                .Append("<p>The entry is recorded and durable. A signed tree head covers it within about a second; reload this page then to check it.</p></div>\n")
                .Append("<dl class=\"facts\">\n");
            Fact(b, "Status", view.Status);
            Fact(b, "Content hash", view.ContentHash, code: true);
            b.Append("</dl>\n");
            return Page($"Receipt {view.ReceiptId}", b, "/api/v1/verify/receipt/" + view.ReceiptId);
        }

        var entry = Convert.FromBase64String(view.Entry);
        var isRecord = entry.Length == RecordLeafEntry.Size;
        var keyName = KeyName(view.VerifierKey) ?? view.Origin;
        b.Append("<p class=\"lede\">").Append(isRecord ? "A record entry" : "A delta").Append(" in a PacSpace ").Append(E(EnvironmentName))
            .Append(" log: entry ").Append(index.ToString(CultureInfo.InvariantCulture)).Append(" of the ").Append(treeSize.ToString(CultureInfo.InvariantCulture))
            .Append(" entries its latest signed head covers. The receipt shows hashes only, never what the ").Append(isRecord ? "record says" : "delta says").Append(".</p>\n");

        CheckSection(b,
        [
            ("entry", "Entry", "a version-1 log entry that commits to the content hash shown"),
            ("leaf", "Leaf hash", "SHA-256(0x00 ‖ entry) is the leaf hash shown"),
            ("key", "The log's key", "the verifier key names the public key shown"),
            ("head", "Signed head", "the note carries a valid Ed25519 signature by that key, for the proof's tree size"),
            ("inclusion", "Inclusion proof", "the proof leads from the leaf to the signed root"),
        ]);

        b.Append("<section aria-labelledby=\"entry-heading\">\n<h2 id=\"entry-heading\">Entry</h2>\n<dl class=\"facts\">\n");
        Fact(b, "Status", view.Status);
        Fact(b, "Log index", index.ToString(CultureInfo.InvariantCulture), check: "entry:index");
        if (LeafEntry.TryDecode(entry, out var delta))
        {
            Fact(b, "Kind", $"delta entry ({LeafEntry.Size} bytes)", check: "entry:kind");
            Fact(b, "Recorded at", PeriodStatement.Time(DateTimeOffset.FromUnixTimeMilliseconds(delta!.RecordedAtUnixMs)), check: "entry:recordedAt");
            Fact(b, "Customer sequence", delta.CustomerSeq.ToString(CultureInfo.InvariantCulture), check: "entry:seq");
            Fact(b, "Previous entry of the customer", delta.PrevCustomerIndex?.ToString(CultureInfo.InvariantCulture) ?? "none", check: "entry:previous");
            Fact(b, "Balance after", delta.BalanceAfter.ToString(CultureInfo.InvariantCulture), check: "entry:balanceAfter");
        }
        else if (RecordLeafEntry.TryDecode(entry, out var record))
        {
            Fact(b, "Kind", $"record entry ({RecordLeafEntry.Size} bytes)", check: "entry:kind");
            Fact(b, "Recorded at", PeriodStatement.Time(DateTimeOffset.FromUnixTimeMilliseconds(record!.RecordedAtUnixMs)), check: "entry:recordedAt");
            Fact(b, "Sequence", record.Seq.ToString(CultureInfo.InvariantCulture), check: "entry:seq");
            Fact(b, "Lifecycle", RecordLifecycles.Name(record.Lifecycle), check: "entry:lifecycle");
            Fact(b, "Previous entry of the record", record.PrevRecordIndex?.ToString(CultureInfo.InvariantCulture) ?? "none", check: "entry:previous");
        }

        Fact(b, "Content hash", view.ContentHash, code: true, check: "entry:contentHash");
        Fact(b, "Entry (base64)", view.Entry, code: true, check: "entry:entry");
        Fact(b, "Leaf hash", view.LeafHash, code: true, check: "entry:leafHash");
        b.Append("</dl>\n</section>\n");

        b.Append("<section aria-labelledby=\"inclusion-heading\">\n<h2 id=\"inclusion-heading\">Inclusion proof</h2>\n")
            .Append("<p class=\"hint\">From the leaf's sibling up to the root's child.</p>\n");
        Hashes(b, view.InclusionProof, "None needed: the entry is the only one in the tree.");
        b.Append("</section>\n");

        HeadSection(b, view.Checkpoint);
        KeySection(b, view.Origin, keyName, view.PublicKey, view.VerifierKey);

        var (option, file, what) = isRecord
            ? ("--record", "entry.json", "the record entry as you hold it (its <code>sealedRecord</code>, or the saved answer of <code>GET /api/v1/records/{recordType}/{entityId}/receipts/{seq}</code>)")
            : ("--delta", "delta.json", "the delta as you hold it (its canonical content, or the saved answer of <code>GET /api/v1/balance/delta/{recordId}</code>)");
        Offline(b,
            $"Save the receipt, and check it with the <code>pacspace</code> command together with {what}, against the log's key you trust. Offline, the content hash is checked too:",
            $"curl -s {Shell($"{baseUrl}/api/v1/verify/receipt/{view.ReceiptId}")} > receipt.json\npacspace verify {option} {file} --receipt receipt.json --public-key {Shell(view.VerifierKey)}");

        Data(b, new ReceiptData("receipt", view.ReceiptId, view.Origin, keyName, index, treeSize, view.Entry, view.LeafHash, view.ContentHash,
            view.InclusionProof, view.Checkpoint, view.PublicKey, view.VerifierKey));
        return Page($"Receipt {view.ReceiptId}", b, "/api/v1/verify/receipt/" + view.ReceiptId);
    }

    /// <summary>A page for what cannot be shown: an unknown or malformed proof root or receipt id. Never echoes the path.</summary>
    public string Problem(string title, string message)
    {
        var b = new StringBuilder();
        b.Append("<h1>").Append(E(title)).Append("</h1>\n<p data-testid=\"problem\">").Append(E(message)).Append("</p>\n");
        LookupForm(b, null, null);
        return Page(title, b);
    }

    /// <summary>The entry point: a form that opens the page of a proof root or a receipt id.</summary>
    public string Lookup(string? value, string? error)
    {
        var b = new StringBuilder();
        b.Append("<h1>Verify a PacSpace proof</h1>\n")
            .Append("<p class=\"lede\">Open the page of a period checkpoint (its proof root, printed on an invoice) or of a receipt. ")
            .Append("The proof is checked in your browser; no account is needed.</p>\n");
        LookupForm(b, value, error);
        return Page("Verify a PacSpace proof", b);
    }

    private static void LookupForm(StringBuilder b, string? value, string? error)
    {
        b.Append("<form class=\"lookup\" method=\"get\" action=\"/verify\">\n<label for=\"lookup-id\">Proof root or receipt id</label>\n")
            .Append("<input id=\"lookup-id\" name=\"id\" required autocomplete=\"off\" spellcheck=\"false\" aria-describedby=\"lookup-hint")
            .Append(error is null ? "" : " lookup-error").Append('"');
        if (error is not null)
        {
            b.Append(" aria-invalid=\"true\"");
        }

        if (!string.IsNullOrEmpty(value))
        {
            b.Append(" value=\"").Append(E(value)).Append('"');
        }

        b.Append(">\n");
        if (error is not null)
        {
            b.Append("<p id=\"lookup-error\" class=\"field-error\" data-testid=\"lookup-error\">").Append(E(error)).Append("</p>\n");
        }

        b.Append("<p id=\"lookup-hint\" class=\"hint\">A proof root is 64 hexadecimal characters (0x in front is fine); a receipt id starts with <code>rcp_</code>.</p>\n")
            .Append("<button type=\"submit\">Open</button>\n</form>\n");
    }

    private static void CheckSection(StringBuilder b, IEnumerable<(string Key, string Name, string What)> steps)
    {
        b.Append("<section aria-labelledby=\"check-heading\">\n<h2 id=\"check-heading\">Check</h2>\n")
            .Append("<div id=\"verify-status\" class=\"result\" role=\"status\" aria-live=\"polite\"><strong>This check needs JavaScript</strong>")
            .Append("<p>The proof on this page is checked in your browser by a script of this site, with your browser's own SHA-256 and Ed25519. ")
            .Append("With JavaScript off, nothing is checked here: verify offline as shown under <a href=\"#offline-heading\">Verify offline</a>.</p></div>\n")
            .Append("<ol id=\"verify-steps\" class=\"steps\">\n");
        foreach (var (key, name, what) in steps)
        {
            b.Append("<li data-step=\"").Append(E(key)).Append("\"><span class=\"step-name\">").Append(E(name)).Append("</span> ")
                .Append("<span class=\"step-result\">not run</span> <span class=\"step-detail\">").Append(E(what)).Append("</span></li>\n");
        }

        b.Append("</ol>\n</section>\n");
    }

    /// <summary>
    /// A customer checks its own closing balance against the statement's balances root with the balance proof of its invoice.
    /// Shown by the script once the statement verified; its fields have no names, so even a submitted form sends nothing.
    /// </summary>
    private static void BalanceSection(StringBuilder b) =>
        b.Append("<section aria-labelledby=\"balance-heading\">\n<h2 id=\"balance-heading\">A customer's closing balance</h2>\n")
            .Append("<p>The statement commits to every customer's closing balance through its balances root, without naming any customer. ")
            .Append("A customer checks its own with the balance proof of its invoice (<code>balanceProof</code> in the invoice proof or checkpoint answer), ")
            .Append("here in the browser: nothing typed here leaves the page.</p>\n")
            .Append("<p id=\"balance-needs\" class=\"hint\">Available once the statement above is verified in your browser.</p>\n")
            .Append("<form id=\"balance-form\" class=\"lookup\" hidden>\n")
            .Append("<label for=\"balance-customer\">Customer id</label>\n")
            .Append("<input id=\"balance-customer\" autocomplete=\"off\" spellcheck=\"false\" aria-describedby=\"balance-customer-hint\">\n")
            .Append("<p id=\"balance-customer-hint\" class=\"hint\">As on the invoice; may be left empty when the pasted answer names it.</p>\n")
            .Append("<label for=\"balance-proof\">Balance proof or invoice proof (JSON)</label>\n")
            .Append("<textarea id=\"balance-proof\" rows=\"6\" spellcheck=\"false\" required></textarea>\n")
            .Append("<button type=\"submit\">Check the closing balance</button>\n</form>\n")
            .Append("<div id=\"balance-status\" class=\"result\" role=\"status\" aria-live=\"polite\" hidden></div>\n</section>\n");

    private static void HeadSection(StringBuilder b, string note)
    {
        b.Append("<section aria-labelledby=\"head-heading\">\n<h2 id=\"head-heading\">Signed head</h2>\n");
        var split = note.LastIndexOf("\n\n", StringComparison.Ordinal);
        if (split > 0 && Checkpoint.TryParse(note[..(split + 1)], out var head))
        {
            b.Append("<dl class=\"facts\">\n");
            Fact(b, "Origin", head!.Origin, check: "head:origin");
            Fact(b, "Tree size", head.Size.ToString(CultureInfo.InvariantCulture), check: "head:size");
            Fact(b, "Root", Hex.Encode(head.RootHash), code: true, check: "head:root");
            b.Append("</dl>\n");
        }

        b.Append("<p class=\"hint\">The C2SP signed note: origin, tree size and base64 root, then the signature line.</p>\n<pre>")
            .Append(E(note)).Append("</pre>\n</section>\n");
    }

    private static void KeySection(StringBuilder b, string origin, string keyName, string publicKey, string verifierKey)
    {
        b.Append("<section aria-labelledby=\"key-heading\">\n<h2 id=\"key-heading\">The log's public key</h2>\n<dl class=\"facts\">\n");
        Fact(b, "Log (origin)", origin);
        Fact(b, "Key name", keyName);
        Fact(b, "Algorithm", "Ed25519");
        Fact(b, "Public key (base64)", publicKey, code: true);
        Fact(b, "Verifier key", verifierKey, code: true);
        b.Append("</dl>\n<p class=\"hint\">The check shows that this key signed what is on the page. Compare it with a copy you obtained before or elsewhere ")
            .Append("(from the vendor, or <a href=\"").Append(E("/api/v1/verify/keys/" + origin)).Append("\">this log's published key</a> saved earlier): ")
            .Append("a forged page would carry a key of its own.</p>\n</section>\n");
    }

    private static void Offline(StringBuilder b, string introHtml, string commands)
    {
        b.Append("<section aria-labelledby=\"offline-heading\">\n<h2 id=\"offline-heading\">Verify offline</h2>\n<p>").Append(introHtml).Append("</p>\n<pre><code>")
            .Append(E(commands)).Append("</code></pre>\n</section>\n");
    }

    private static void Hashes(StringBuilder b, IReadOnlyList<string> hashes, string none)
    {
        if (hashes.Count == 0)
        {
            b.Append("<p>").Append(E(none)).Append("</p>\n");
            return;
        }

        b.Append("<ol class=\"hashes\">\n");
        foreach (var hash in hashes)
        {
            b.Append("<li><code>").Append(E(hash)).Append("</code></li>\n");
        }

        b.Append("</ol>\n");
    }

    /// <param name="check">Names the verified value the script writes here once the check passed (<c>statement:deltaCount</c>,
    /// <c>head:root</c>), so what the page shows beside "Verified" is what was verified, not only what the server wrote.</param>
    private static void Fact(StringBuilder b, string name, string? value, bool code = false, string? check = null)
    {
        b.Append("<dt>").Append(E(name)).Append("</dt><dd");
        if (check is not null)
        {
            b.Append(" data-checked=\"").Append(E(check)).Append('"');
        }

        b.Append('>');
        if (code)
        {
            b.Append("<code>").Append(E(value)).Append("</code>");
        }
        else
        {
            b.Append(E(value));
        }

        b.Append("</dd>\n");
    }

    // '<' only ever occurs inside a JSON string, where \u003C means the same: the block cannot be closed early whatever the encoder did.
    private static void Data(StringBuilder b, object data) =>
        b.Append("<script type=\"application/json\" id=\"proof-data\">")
            .Append(JsonSerializer.Serialize(data, data.GetType(), DataJson).Replace("<", "\\u003C", StringComparison.Ordinal)).Append("</script>\n");

    private string Page(string title, StringBuilder main, string? apiPath = null)
    {
        var b = new StringBuilder(main.Length + 2048);
        b.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<meta name=\"referrer\" content=\"no-referrer\">\n<title>").Append(E(title)).Append(" · PacSpace verification</title>\n")
            .Append("<link rel=\"icon\" href=\"data:,\">\n")
            .Append("<link rel=\"stylesheet\" href=\"").Append(E(assets.Style.Url)).Append("\" integrity=\"").Append(E(assets.Style.Integrity)).Append("\">\n")
            .Append("<script src=\"").Append(E(assets.Script.Url)).Append("\" integrity=\"").Append(E(assets.Script.Integrity)).Append("\" defer></script>\n")
            .Append("</head>\n<body>\n<a class=\"skip\" href=\"#main\">Skip to content</a>\n<header class=\"top\"><div class=\"bar\">")
            .Append("<span class=\"brand\">PacSpace</span><span class=\"where\">Public verification</span>")
            .Append("<span class=\"env env-").Append(_sandbox ? "sandbox" : "production").Append("\" data-testid=\"environment\">").Append(EnvironmentName).Append("</span>")
            .Append("</div></header>\n");
        if (_sandbox)
        {
            b.Append("<div class=\"sandbox-banner\" data-testid=\"sandbox-banner\">Sandbox — test data: this log is for building and testing, not for live usage.</div>\n");
        }

        b.Append("<main id=\"main\">\n").Append(main).Append("</main>\n<footer><p>Checked by <a href=\"").Append(E(VerifyAssets.Prefix + "verify.js"))
            .Append("\">this site's script</a> in your browser; read it before you rely on it. No account and no cookies.");
        if (apiPath is not null)
        {
            b.Append(" For programs: <a href=\"").Append(E(apiPath)).Append("\">the same proof as JSON</a>.");
        }

        b.Append("</p></footer>\n</body>\n</html>\n");
        return b.ToString();
    }

    private static string E(string? text) => Html.Encode(text ?? "");

    // Single-quoted for a POSIX shell; a quote inside becomes '\''.
    private static string Shell(string text) => "'" + text.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private static string? KeyName(string verifierKey) =>
        SignedNote.TryParseVerifierKey(verifierKey, out var name, out _) ? name : null;

    private static string? Str(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static string? Num(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetRawText() : null;

    private sealed record ConsistencyData(long FromSize, long ToSize, string PrevRoot, IReadOnlyList<string> Proof);

    private sealed record PeriodData(string Kind, string ProofRoot, string Origin, string KeyName, string PublicKey, string VerifierKey, string Checkpoint,
        JsonElement PeriodStatement, string Signature, ConsistencyData Consistency);

    private sealed record ReceiptData(string Kind, string ReceiptId, string Origin, string KeyName, long Index, long TreeSize, string Entry, string? LeafHash,
        string ContentHash, IReadOnlyList<string> InclusionProof, string Checkpoint, string PublicKey, string VerifierKey);
}
