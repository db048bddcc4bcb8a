using PacSpace.Hosting.Data;
using PacSpace.Hosting.Errors;
using PacSpace.Hosting.Web;

namespace PacSpace.ControlPlane.Features.Auth;

/// <summary>Uses a verification token once and marks its user verified: the API routes and the button of the mail link's page.</summary>
internal sealed class VerifyEmail(Database db, UserStore users, OneTimeTokenStore tokens, TimeProvider time)
{
    public sealed record Input(string? Token);

    public sealed record Output(string UserId);

    public static Result<Input> Parse(FieldReader fields)
    {
        var token = fields.String("token", required: true, 1, 200);
        return fields.HasErrors ? fields.ToError() : new Input(token);
    }

    public async Task<Result<Output>> HandleAsync(Input input, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(input.Token) || input.Token.Length > 200)
        {
            return InvalidToken();
        }

        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        await using var connection = await db.OpenAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var userId = await tokens.ConsumeAsync(connection, tx, OneTimeToken.Verification, Secrets.Hash(input.Token), now, ct);
        if (userId is null)
        {
            return InvalidToken();
        }

        await users.MarkVerifiedAsync(connection, tx, userId, now, ct);
        await tx.CommitAsync(ct);
        return new Output(userId);
    }

    private static Error InvalidToken() => new(400, ErrorCodes.InvalidToken,
        "This verification link is unknown, already used or expired. Ask for a new one at POST /dashboard/auth/resend-verification.");
}
