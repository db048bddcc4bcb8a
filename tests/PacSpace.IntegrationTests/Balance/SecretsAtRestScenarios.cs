using System.Net;
using System.Security.Cryptography;
using Dapper;
using Microsoft.Extensions.Options;
using PacSpace.Cli;
using PacSpace.Hosting.Secrets;
using PacSpace.IntegrationTests.Dashboard;
using PacSpace.IntegrationTests.Infrastructure;
using PacSpace.Ledger;

namespace PacSpace.IntegrationTests.Balance;

/// <summary>
/// Signing keys and the Data Protection key ring are stored sealed under the key-encryption key; a KEK rotation
/// re-seals them at start-up, and keys stored in the clear by earlier versions are sealed too.
/// </summary>
public abstract class SecretsAtRestScenarios(Store store, PostgresServer? postgres, SharedStacks shared) : SharedStackTests(store, postgres, shared)
{
    [Fact]
    public async Task Storage_SigningKeysAndKeyRing_HoldNoSecretInTheClear()
    {
        var session = await Api.ReadyTenantAsync();
        using (var page = new HttpClient { BaseAddress = Stack.Local.Url(Role.Dashboard) })
        {
            // The login form carries an antiforgery token: the key ring has a key from here on.
            Assert.Equal(HttpStatusCode.OK, (await page.GetAsync("/login")).StatusCode);
        }

        var (stored, publicKey) = await LedgerKeyAsync(Stack, session.TenantId);
        await using var control = await Stack.ControlDb.OpenAsync(default);
        var ring = (await control.QueryAsync<string>("SELECT xml FROM data_protection_keys")).ToList();

        Assert.StartsWith("enc:v1:", stored, StringComparison.Ordinal);
        Assert.Equal(publicKey, PublicKeyOf(Sealer(Stack.Local.Root["Secrets:KeyEncryptionKey"]!).Open(stored, "tenant_ledgers.private_key/" + session.TenantId)));
        Assert.NotEmpty(ring);
        Assert.All(ring, xml => Assert.StartsWith("enc:v1:", xml, StringComparison.Ordinal));
        Assert.DoesNotContain(ring, xml => xml.Contains("<masterKey", StringComparison.Ordinal));
        // The local installation keeps its KEK beside the other generated secrets, readable by the owner only.
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(Stack.DataDirectory, "secrets.json")));
        }
    }

    [Fact]
    public async Task Rotation_NewKekWithOldAsPrevious_ResealsAtStartAndKeepsSigning()
    {
        // A short sequencer lease: the restarted plane takes the log over from the stopped one within a second.
        var first = await StartStackAsync(o => o.Overrides["Plane:SequencerLease"] = "00:00:01");
        var session = await first.Dashboard.ReadyTenantAsync();
        var key = (await first.Dashboard.CreateKeyAsync(session)).FullKey;
        await EmitVerifiedAsync(first, key, "before");
        var oldKek = first.Local.Root["Secrets:KeyEncryptionKey"]!;
        var newKek = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

        // A value stored in the clear by an earlier version is sealed at the next start too.
        var (sealedBefore, publicKey) = await LedgerKeyAsync(first, session.TenantId);
        var clear = Sealer(oldKek).Open(sealedBefore, "tenant_ledgers.private_key/" + session.TenantId);
        await using (var c = await first.PlaneDb(Role.Sandbox).OpenAsync(default))
        {
            await c.ExecuteAsync("UPDATE tenant_ledgers SET private_key = @clear WHERE tenant_id = @t", new { clear, t = session.TenantId });
        }

        await first.StopAsync(Role.Sandbox);
        var rotated = await StartStackAsync(o =>
        {
            o.Overrides["Plane:SequencerLease"] = "00:00:01";
            o.Overrides["Secrets:KeyEncryptionKey"] = newKek;
            o.Overrides["Secrets:PreviousKeyEncryptionKeys:0"] = oldKek;
        }, roles: [Role.Sandbox], shareDataWith: first.DataDirectory, database: first.Local.Options.Database);
        var (sealedAfter, _) = await LedgerKeyAsync(rotated, session.TenantId);
        await EmitVerifiedAsync(rotated, key, "after");

        Assert.StartsWith("enc:v1:", sealedAfter, StringComparison.Ordinal);
        Assert.Equal(publicKey, PublicKeyOf(Sealer(newKek).Open(sealedAfter, "tenant_ledgers.private_key/" + session.TenantId)));
        Assert.Throws<CryptographicException>(() => Sealer(oldKek).Open(sealedAfter, "tenant_ledgers.private_key/" + session.TenantId));
        // Bound to its row: the same sealed value does not open as another tenant's key.
        Assert.ThrowsAny<CryptographicException>(() => Sealer(newKek).Open(sealedAfter, "tenant_ledgers.private_key/tnt_other"));
    }

    private static AtRestEncryption Sealer(string kek) => new(Options.Create(new AtRestOptions { KeyEncryptionKey = kek }));

    private static string PublicKeyOf(string privateKey)
    {
        using var signing = LogSigningKey.Import(Convert.FromBase64String(privateKey));
        return Convert.ToBase64String(signing.PublicKey);
    }

    private static async Task<(string PrivateKey, string PublicKey)> LedgerKeyAsync(TestStack stack, string tenantId)
    {
        await using var c = await stack.PlaneDb(Role.Sandbox).OpenAsync(default);
        return await c.QuerySingleAsync<(string, string)>("SELECT private_key, public_key FROM tenant_ledgers WHERE tenant_id = @tenantId", new { tenantId });
    }

    private static async Task EmitVerifiedAsync(TestStack stack, string key, string reason)
    {
        var emitted = await stack.EmitAsync(Role.Sandbox, key, $$"""{"customerId":"c","delta":5,"reason":"{{reason}}"}""");
        Assert.Equal(HttpStatusCode.Created, emitted.Status);
        await stack.VerifiedAsync(Role.Sandbox, key, emitted.Data.GetProperty("recordId").GetString()!);
    }
}

public sealed class SecretsAtRestScenariosOnSqlite(SharedStacks shared) : SecretsAtRestScenarios(Store.Sqlite, null, shared);

[Collection(PostgresCollection.Name)]
public sealed class SecretsAtRestScenariosOnPostgres(PostgresServer postgres, SharedStacks shared) : SecretsAtRestScenarios(Store.Postgres, postgres, shared);
