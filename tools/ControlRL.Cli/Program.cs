Console.WriteLine("controlrl");
