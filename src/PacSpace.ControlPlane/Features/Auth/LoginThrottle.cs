using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using Dapper;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;

namespace PacSpace.ControlPlane.Features.Auth;

/// <summary>
/// Slows password guessing without telling anyone whether an account exists and without letting a stranger lock the
/// owner out. Failures are counted per key: the e-mail address tried (known or not, the same rule), the client address,
/// and — instead of the e-mail address — the browser the owner has signed in from before (a signed device cookie, after
/// OWASP's "device cookies" pattern). After a few free failures each key waits, then twice as long after each further
/// failure, up to a cap; a quiet period forgets the failures. A stranger guessing at an address delays only other
/// unknown browsers; the owner's known browser keeps its own count.
/// </summary>
internal sealed class LoginThrottle(IOptions<AuthOptions> options, IDataProtectionProvider protection, TimeProvider time)
{
    private const string DevicePurpose = "PacSpace.LoginDevice.v1";
    private static int s_failures;
    private readonly IDataProtector _devices = protection.CreateProtector(DevicePurpose);

    /// <summary>The keys one attempt counts against: its account key (the known browser's, or the address's) and its client's.</summary>
    public sealed record Keys(string Account, string? Client);

    public Keys For(string normalizedEmail, string? clientAddress, string? deviceToken)
    {
        var device = DeviceOf(normalizedEmail, deviceToken);
        var account = device is null ? Key("account", normalizedEmail) : Key("device", device, normalizedEmail);
        return new Keys(account, clientAddress is null ? null : Key("client", clientAddress));
    }

    /// <summary>How long the attempt must wait, or null when it may go ahead.</summary>
    public async Task<TimeSpan?> WaitAsync(DbConnection connection, Keys keys, CancellationToken ct)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var until = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            "SELECT MAX(blocked_until) FROM login_throttle WHERE key_hash = @account OR key_hash = @client",
            new { account = keys.Account, client = keys.Client }, cancellationToken: ct));
        return until is long u && u > now ? TimeSpan.FromMilliseconds(u - now) : null;
    }

    /// <summary>Counts a failed attempt against each key; a key past its free failures then waits before its next attempt.</summary>
    public async Task RecordFailureAsync(DbConnection connection, Keys keys, CancellationToken ct)
    {
        var o = options.Value;
        var now = time.GetUtcNow();
        await CountAsync(connection, keys.Account, o.LoginFreeFailures, now, ct);
        if (keys.Client is not null)
        {
            await CountAsync(connection, keys.Client, o.LoginFreeFailuresPerClient, now, ct);
        }

        if (Interlocked.Increment(ref s_failures) % 256 == 0)
        {
            // Keys nobody has failed on for a while are forgotten anyway; drop their rows now and then.
            await connection.ExecuteAsync(new CommandDefinition(
                "DELETE FROM login_throttle WHERE last_failure_at < @before AND blocked_until < @now",
                new { before = now.Subtract(o.LoginFailureMemory).ToUnixTimeMilliseconds(), now = now.ToUnixTimeMilliseconds() }, cancellationToken: ct));
        }
    }

    /// <summary>After a successful sign-in the account key starts afresh (the client's count stays: it may be guessing elsewhere).</summary>
    public Task ClearAsync(DbConnection connection, Keys keys, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition("DELETE FROM login_throttle WHERE key_hash = @key", new { key = keys.Account }, cancellationToken: ct));

    /// <summary>After a password reset: whoever proved they read the mailbox is not kept waiting by a stranger's failures.</summary>
    public Task ClearAddressAsync(DbConnection connection, DbTransaction tx, string normalizedEmail, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition("DELETE FROM login_throttle WHERE key_hash = @key",
            new { key = Key("account", normalizedEmail) }, tx, cancellationToken: ct));

    /// <summary>A device token for the browser that just signed in as <paramref name="normalizedEmail"/>: kept in a long-lived cookie.</summary>
    public string IssueDeviceToken(string normalizedEmail) =>
        _devices.Protect(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)) + "\n" + Key("for", normalizedEmail));

    private string? DeviceOf(string normalizedEmail, string? deviceToken)
    {
        if (string.IsNullOrEmpty(deviceToken) || deviceToken.Length > 1024)
        {
            return null;
        }

        try
        {
            var parts = _devices.Unprotect(deviceToken).Split('\n');
            return parts.Length == 2 && parts[1] == Key("for", normalizedEmail) ? parts[0] : null;
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    private async Task CountAsync(DbConnection connection, string key, int free, DateTimeOffset now, CancellationToken ct)
    {
        var o = options.Value;
        var nowMs = now.ToUnixTimeMilliseconds();
        var failures = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            """
            INSERT INTO login_throttle (key_hash, failures, last_failure_at, blocked_until) VALUES (@key, 1, @now, 0)
            ON CONFLICT (key_hash) DO UPDATE SET
                failures = CASE WHEN login_throttle.last_failure_at < @forgetBefore THEN 1 ELSE login_throttle.failures + 1 END,
                last_failure_at = @now
            RETURNING failures
            """, new { key, now = nowMs, forgetBefore = now.Subtract(o.LoginFailureMemory).ToUnixTimeMilliseconds() }, cancellationToken: ct));
        if (failures >= free)
        {
            var delay = Delay(failures - free, o.LoginDelayBase, o.LoginDelayCap);
            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE login_throttle SET blocked_until = @until WHERE key_hash = @key",
                new { key, until = now.Add(delay).ToUnixTimeMilliseconds() }, cancellationToken: ct));
        }
    }

    /// <summary>base, 2·base, 4·base, … up to <paramref name="cap"/>.</summary>
    internal static TimeSpan Delay(long beyondFree, TimeSpan @base, TimeSpan cap) =>
        beyondFree >= 24 ? cap : TimeSpan.FromTicks(Math.Min(cap.Ticks, @base.Ticks << (int)beyondFree));

    private static string Key(params string[] parts) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("pacspace-login-throttle\n" + string.Join('\n', parts))));
}
