using System.Reflection;
using Apache.Iggy.Exceptions;
using Apache.Iggy.IggyClient;

namespace IggyAspire.Tests.Client;

/// <summary>
/// A fake <see cref="IIggyClient"/> for testing the adapter's calls: records each call's method name and arguments,
/// and answers with what the test configured for that method (a value, an exception, or a function of the
/// arguments). Anything not configured answers a completed task with the default value. Made with
/// <see cref="DispatchProxy"/> because the interface has dozens of methods the adapter never calls.
/// </summary>
public class FakeIggyClient : DispatchProxy
{
    private readonly Dictionary<string, Func<object?[], object?>> _answers = [];

    /// <summary>Every call so far, in order.</summary>
    public List<(string Method, object?[] Arguments)> Calls { get; } = [];

    /// <summary>A new fake and the client interface to hand to the code under test.</summary>
    public static (FakeIggyClient Fake, IIggyClient Client) Create()
    {
        var client = DispatchProxy.Create<IIggyClient, FakeIggyClient>();
        return ((FakeIggyClient)(object)client, client);
    }

    /// <summary>Calls to <paramref name="method"/> return <paramref name="answer"/> of their arguments (as the task's result).</summary>
    public FakeIggyClient Answer(string method, Func<object?[], object?> answer)
    {
        _answers[method] = answer;
        return this;
    }

    /// <summary>Calls to <paramref name="method"/> fail as the server's error <paramref name="statusCode"/> makes the SDK fail.</summary>
    public FakeIggyClient Refuse(string method, int statusCode) =>
        Answer(method, _ => throw StatusCode(statusCode));

    /// <summary>The calls to <paramref name="method"/>, in order.</summary>
    public List<object?[]> CallsTo(string method) => [.. Calls.Where(call => call.Method == method).Select(call => call.Arguments)];

    /// <summary>The exception Apache.Iggy throws for a status code (its constructor is internal to the SDK).</summary>
    public static IggyInvalidStatusCodeException StatusCode(int statusCode) =>
        (IggyInvalidStatusCodeException)Activator.CreateInstance(
            typeof(IggyInvalidStatusCodeException), BindingFlags.Instance | BindingFlags.NonPublic, binder: null,
            [statusCode, $"Invalid status code: {statusCode} (fake)"], culture: null)!;

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        var arguments = args ?? [];
        Calls.Add((targetMethod.Name, arguments));
        var returnType = targetMethod.ReturnType;
        try
        {
            var result = _answers.TryGetValue(targetMethod.Name, out var answer) ? answer(arguments) : null;
            return Completed(returnType, result);
        }
        catch (Exception exception) when (typeof(Task).IsAssignableFrom(returnType))
        {
            // Like the SDK's async methods: the failure is in the task, not thrown by the call.
            return Failed(returnType, exception);
        }
    }

    private static object? Completed(Type returnType, object? result)
    {
        if (returnType == typeof(Task))
        {
            return Task.CompletedTask;
        }

        if (returnType.IsGenericType && returnType.GetGenericTypeDefinition() == typeof(Task<>))
        {
            var source = Activator.CreateInstance(typeof(TaskCompletionSource<>).MakeGenericType(returnType.GetGenericArguments()))!;
            source.GetType().GetMethod(nameof(TaskCompletionSource<object>.SetResult))!.Invoke(source, [result]);
            return source.GetType().GetProperty(nameof(TaskCompletionSource<object>.Task))!.GetValue(source);
        }

        return result ?? (returnType.IsValueType && returnType != typeof(void) ? Activator.CreateInstance(returnType) : null);
    }

    private static object? Failed(Type returnType, Exception exception)
    {
        if (returnType == typeof(Task))
        {
            return Task.FromException(exception);
        }

        var source = Activator.CreateInstance(typeof(TaskCompletionSource<>).MakeGenericType(returnType.GetGenericArguments()))!;
        source.GetType().GetMethod(nameof(TaskCompletionSource<object>.SetException), [typeof(Exception)])!.Invoke(source, [exception]);
        return source.GetType().GetProperty(nameof(TaskCompletionSource<object>.Task))!.GetValue(source);
    }
}
