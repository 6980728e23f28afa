module aarch64paging

go 1.19
