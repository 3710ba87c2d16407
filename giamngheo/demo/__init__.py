"""The demo province: Hải Phòng with the former Hải Dương, its users, households and reviews."""
