using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using PacSpace.Ledger;
using PacSpace.Plane.Features.Checkpoints;
using PacSpace.Plane.Features.Verify;

namespace PacSpace.Plane.Tests;

/// <summary>The verification pages' HTML: values are encoded, the proof data block cannot be closed early, and nothing is claimed.</summary>
public sealed partial class VerifyPageHtmlTests
{
    private const string Hostile = "</script><script>alert(1)</script><b onmouseover=\"x\">'&";

    private static VerifyPageHtml Html(PacSpaceEnvironment environment = PacSpaceEnvironment.Sandbox) =>
        new(new VerifyAssets(), Options.Create(new PlaneOptions { Environment = environment }));

    [Fact]
    public void Period_HostileValues_EncodedAndTheDataBlockHoldsThemAsData()
    {
        using var key = LogSigningKey.Generate();
        var root = new string('a', 64);
        var statement = JsonDocument.Parse(JsonSerializer.Serialize(new { period = Hostile, rootHash = root, deltaCount = 3, netChange = "-5" })).RootElement;
        var view = new VerifyProofRoot.ProofRootView(true, root, Hostile, Hostile, 6, root, Hostile, statement, Hostile, Hostile,
            SignedNote.VerifierKey("example.org/t/sandbox", key.PublicKey), new ConsistencyView(0, 6, Hostile, [Hostile]), new VerifyProofRoot.SummaryView(3, -5, 1),
            "db", null, "The signed note and period statement verify against the log's public key.");

        var html = Html().Period(view, "http://127.0.0.1:5081");

        Assert.DoesNotContain("<script>alert", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<b onmouseover", html, StringComparison.Ordinal);
        // Exactly two script elements: the page's own file and the data block; the block ends where the page ends it.
        Assert.Equal(2, ScriptOpen().Matches(html).Count);
        var data = ProofData().Match(html);
        Assert.True(data.Success);
        var parsed = JsonDocument.Parse(data.Groups["json"].Value).RootElement;
        Assert.Equal(Hostile, parsed.GetProperty("origin").GetString());
        Assert.Equal(Hostile, parsed.GetProperty("periodStatement").GetProperty("period").GetString());
        Assert.Equal("period", parsed.GetProperty("kind").GetString());
        // The server's own verdict and message are not on the page.
        Assert.False(parsed.TryGetProperty("verified", out _));
        Assert.DoesNotContain("verify against the log's public key", html, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"sandbox-banner\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Receipt_NotYetCovered_SaysSoAndCarriesNoProof()
    {
        var view = new VerifyReceipt.ReceiptView(false, "rcp_x", "QUEUED", null, null, null, null, null, new string('c', 64), null, null, null, null);
        var html = Html(PacSpaceEnvironment.Production).Receipt(view, "http://127.0.0.1:5082");
        Assert.Contains("Not yet in a signed head", html, StringComparison.Ordinal);
        Assert.DoesNotContain("proof-data", html, StringComparison.Ordinal);
        Assert.DoesNotContain("sandbox-banner", html, StringComparison.Ordinal);
        Assert.Contains(">Production<", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Problem_NeverWritesBackWhatItIsNotGiven_AndAssetsArePinned()
    {
        var html = System.Net.WebUtility.HtmlDecode(Html().Problem("No such receipt", "This plane holds no receipt with this id."));
        Assert.Contains("<h1>No such receipt</h1>", html, StringComparison.Ordinal);
        var assets = new VerifyAssets();
        Assert.Contains($"src=\"{assets.Script.Url}\" integrity=\"{assets.Script.Integrity}\"", html, StringComparison.Ordinal);
        Assert.Contains($"href=\"{assets.Style.Url}\" integrity=\"{assets.Style.Integrity}\"", html, StringComparison.Ordinal);
        Assert.StartsWith("sha384-", assets.Script.Integrity, StringComparison.Ordinal);
    }

    [GeneratedRegex("<script\\b")]
    private static partial Regex ScriptOpen();

    [GeneratedRegex("""<script type="application/json" id="proof-data">(?<json>.*?)</script>""", RegexOptions.Singleline)]
    private static partial Regex ProofData();
}
