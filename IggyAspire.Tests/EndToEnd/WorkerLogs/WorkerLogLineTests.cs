namespace IggyAspire.Tests.EndToEnd.WorkerLogs;

/// <summary>Lines as the workers print them with the console logger's simple format (which Aspire selects).</summary>
public sealed class WorkerLogLineTests
{
    private const string Trace = "4bf92f3577b34da6a3ce929d0e0e4736";

    [Fact]
    public void A_consumed_message_gives_its_id_partition_offset_and_trace()
    {
        var line = WorkerLogLine.Parse($"      Consumed message 42 'hello from producer' from partition 2 at offset 13 (trace {Trace})");

        Assert.Equal(new ConsumedLine(42, 2, 13, Trace), line);
    }

    [Fact]
    public void A_text_that_looks_like_the_rest_of_the_line_does_not_confuse_the_parse()
    {
        var line = WorkerLogLine.Parse($"Consumed message 7 'it's ' from partition 9 at offset 99' from partition 0 at offset 3 (trace {Trace})");

        Assert.Equal(new ConsumedLine(7, 0, 3, Trace), line);
    }

    [Fact]
    public void A_sent_message_and_a_sent_batch_give_their_ids_and_trace()
    {
        Assert.Equal(new SentLine(5, 5, Trace), WorkerLogLine.Parse($"      Sent message 5 to demo-stream/demo-topic (trace {Trace})"));
        Assert.Equal(new SentLine(11, 20, Trace), WorkerLogLine.Parse($"Sent 10 messages 11..20 to demo-stream/demo-topic (trace {Trace})"));
    }

    [Fact]
    public void The_start_and_join_lines_are_recognised()
    {
        Assert.Equal(new ProducerStartedLine(31), WorkerLogLine.Parse("      Producing to demo-stream/demo-topic from id 31: 1 message(s) every 00:00:01"));
        Assert.Equal(new ConsumerStartedLine("demo-consumers"), WorkerLogLine.Parse("      Consuming demo-stream/demo-topic in group demo-consumers, polling every 00:00:00.5000000"));
        Assert.Equal(new JoinedLine("demo-consumers"), WorkerLogLine.Parse("      Joined consumer group demo-consumers"));
    }

    [Theory]
    [InlineData("\u001b[40m\u001b[32minfo\u001b[39m\u001b[22m\u001b[49m: IggyAspire.Messaging.Consuming.MessageConsumer[3]")]
    [InlineData("      Skipped the message at partition 1 offset 4: its payload is not a DemoMessage (bad json)")]
    [InlineData("      Sent message 5 to demo-stream/demo-topic (trace 123)")]
    [InlineData("")]
    public void Other_lines_are_not_read(string content)
    {
        Assert.Null(WorkerLogLine.Parse(content));
    }
}
