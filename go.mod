module go-concurrency-patterns

go 1.25
