module flyt.test/pipes-go-child

go 1.21
