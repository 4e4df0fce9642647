using MetaBackup.Core.Configuration;

namespace MetaBackup.Server.Http;

/// <summary>A field a request must carry, named as in the JSON body.</summary>
public static class Required
{
    public static T Field<T>(T? value, string name) where T : class =>
        value ?? throw new InvalidInputException($"The request body needs '{name}'.", null, new Dictionary<string, string> { ["field"] = name });

    public static T Field<T>(T? value, string name) where T : struct =>
        value ?? throw new InvalidInputException($"The request body needs '{name}'.", null, new Dictionary<string, string> { ["field"] = name });
}
